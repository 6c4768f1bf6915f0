#!/usr/bin/env bash
# Builds the libFuzzer harnesses (Fuzz/Package.swift) and runs each for SECONDS seconds.
#
#   Fuzz/run.sh [SECONDS] [HARNESS...]      default: 300 seconds, every harness
#
# `make fuzz` runs 300 s each, `make fuzz-short` (part of `make test`) 20 s each. Each harness
# starts from its seeds in Fuzz/Corpus/<harness>/ (read only) and writes what it discovers to a
# scratch corpus, $FUZZ_WORK/corpus/<harness> (default .fuzz-work/, gitignored), which later runs
# reuse. FUZZ_FLAGS adds libFuzzer flags (`-max_len=65536`, `-only_ascii=1`). Exits non-zero
# when any harness crashes, times out or runs out of memory, and prints the reproducer's path
# and how to replay it.
set -uo pipefail

fuzz_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$fuzz_dir")"
seconds="${1:-300}"
shift || true
work="${FUZZ_WORK:-$root/.fuzz-work}"
build="$fuzz_dir/.build"

if ! [[ "$seconds" =~ ^[0-9]+$ ]]; then
    echo "usage: Fuzz/run.sh [SECONDS] [HARNESS...]" >&2
    exit 2
fi
if ! command -v swift >/dev/null && [ -x /opt/swift/usr/bin/swift ]; then export PATH=/opt/swift/usr/bin:$PATH; fi

# The harnesses are every folder of Fuzz/Sources that has seeds.
if [ $# -gt 0 ]; then
    harnesses=("$@")
else
    harnesses=()
    for dir in "$fuzz_dir"/Corpus/*/; do harnesses+=("$(basename "$dir")"); done
fi

# Same dependency versions as the main build.
[ -f "$root/Package.resolved" ] && cp "$root/Package.resolved" "$fuzz_dir/Package.resolved"
echo "fuzz: building the harnesses (sanitizers: fuzzer, address) in $build"
start=$(date +%s)
mkdir -p "$work"
# ld.gold warns once per ASan helper symbol; those lines are kept in the log, not shown.
if ! (cd "$fuzz_dir" && swift build --build-path "$build" -c debug \
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library) >"$work/build.log" 2>&1; then
    grep -v "Cannot export local symbol" "$work/build.log" | tail -40 >&2
    echo "fuzz: build failed (log $work/build.log)" >&2
    exit 1
fi
bin="$(cd "$fuzz_dir" && swift build --build-path "$build" -c debug --show-bin-path)"
echo "fuzz: built in $(( $(date +%s) - start )) s"

# Leak reports from Foundation's caches would drown real findings; crashes and overflows stay on.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0:allocator_may_return_null=1}"
# Swift's own backtracer reads memory ASan flags on a trap, burying the real message.
export SWIFT_BACKTRACE="${SWIFT_BACKTRACE:-enable=no}"
failed=()
for harness in "${harnesses[@]}"; do
    exe="$bin/$harness"
    if [ ! -x "$exe" ]; then echo "fuzz: no harness $harness in $bin" >&2; failed+=("$harness"); continue; fi
    corpus="$work/corpus/$harness"
    artifacts="$work/crashes/$harness/"
    mkdir -p "$corpus" "$artifacts"
    log="$work/$harness.log"
    echo "fuzz: $harness for ${seconds} s (log $log)"
    # -fork is not used: one process keeps the output simple and the run reproducible enough.
    "$exe" "$corpus" "$fuzz_dir/Corpus/$harness" \
        -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
        -artifact_prefix="$artifacts" ${FUZZ_FLAGS:-} >"$log" 2>&1
    status=$?
    grep -E "^(stat::number_of_executed_units|stat::peak_rss_mb)|^#[0-9]+ +DONE" "$log" | tr '\n' ' ' | sed 's/^/      /'; echo
    if [ $status -ne 0 ]; then
        failed+=("$harness")
        echo "fuzz: $harness FAILED (exit $status); last lines of $log:" >&2
        grep -E "ERROR|SUMMARY|Fatal error|Test unit written|Base64" "$log" | tail -8 >&2
        for reproducer in $(grep -o "Test unit written to .*" "$log" | sed 's/Test unit written to //'); do
            echo "fuzz: reproducer $reproducer — replay: $exe $reproducer" >&2
        done
    fi
done

if [ ${#failed[@]} -gt 0 ]; then
    echo "fuzz: ${#failed[@]} harness(es) failed: ${failed[*]}" >&2
    exit 1
fi
echo "fuzz: ${#harnesses[@]} harnesses ran ${seconds} s each, no crash"

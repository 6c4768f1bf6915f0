#!/usr/bin/env bash
# Runs Ferry's benchmarks and prints their figures (Markdown, ready for bench/RESULTS.md).
#
#   make bench                 installs nginx, wrk and hyperfine when missing, then runs this
#   bash bench/run.sh          RUNS=N (default 5) sets the number of measured runs of each
#
# 1. builds `ferry` in release mode (swift build -c release --product ferry), as a fair peer
#    of nginx and as it would be deployed;
# 2. waits while another compile or test run is busy on this machine (at most IDLE_WAIT seconds,
#    default 900, here and again before each measured run), so the figures come from an idle
#    machine; the figures say how many runs overlapped other work anyway;
# 3. runs every benchmark in turn, each printing its Markdown section:
#    deploy.sh (push to live), serve.sh (site file, p2, packument, tarball against nginx),
#    webhooks.sh (accepted/s at 16 and 64 connections against SQLite's limit), ui.sh
#    (dashboard and GET /api/workloads with 1,000 workloads), npm.sh (broken-scan against its
#    in-process reference, diff-build against tar | zstd), watchers.sh (idle CPU with the
#    examples and 1,000 + 1,000 bindings), composer.sh (60,000 packages; COMPOSER_PLUGINS sets
#    the size, default 60000) and composer-proxy.sh (a Composer install through the proxy).
#    ONLY="serve npm" runs just those.
#
# Each benchmark starts its servers on free ports of 127.0.0.1, in a temp dir of its own, and
# stops them and removes the temp dir when it ends, however it ends.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$BENCH_ROOT"

CHILD=""
cleanup() {
    # The benchmark scripts clean up after themselves on TERM; this stops the one running.
    if [ -n "$CHILD" ] && kill -0 "$CHILD" 2>/dev/null; then stop_pid "$CHILD"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

command -v swift >/dev/null 2>&1 || die "swift not found: put the Swift 6 toolchain on PATH (or in /opt/swift)"
for tool in git curl python3 nginx wrk; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool is missing; run 'make bench', which installs it"
done

note "building ferry in release mode (the first time compiles every dependency: several minutes)"
swift build -c release --product ferry >&2
FERRY_BIN="$(swift build -c release --show-bin-path)/ferry"
[ -x "$FERRY_BIN" ] || die "no release binary at $FERRY_BIN"
export FERRY_BIN RUNS

# Wait for other compiles and test runs to end (bounded): they would share the two cores. The
# benchmarks wait again before each measured run and count the runs that overlapped other work.
wait_idle

cpu="$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
echo "## Ferry benchmarks"
echo
echo "* date: $(date -u)"
echo "* machine: $(nproc) CPUs ($cpu), $(free -h | awk '/^Mem:/ { print $2 }') RAM, Linux $(uname -r)"
# What was built: the commit, and the uncommitted changes to the code when there are any.
changed="$(git status --porcelain -- Sources Plugins Package.swift 2>/dev/null | wc -l)"
tree="commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
if [ "$changed" -gt 0 ]; then
    tree="$tree + uncommitted changes to $changed file(s) under Sources/, Plugins/, Package.swift"
fi
echo "* ferry: release build (swift build -c release), $tree"
echo "* $(swift --version 2>&1 | head -1)"
echo "* $(nginx -v 2>&1), $(wrk --version 2>&1 | head -1 | cut -d' ' -f1-2), git $(git --version | cut -d' ' -f3)"
echo "* RUNS=$RUNS; at start: $(busy_report); load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo

# bench NAME [VAR=VALUE…]: runs bench/NAME.sh (unless ONLY leaves it out), its section on stdout.
bench() {
    local name="$1"
    shift
    if [ -n "${ONLY:-}" ] && [[ " $ONLY " != *" $name "* ]]; then return 0; fi
    note "bench/$name.sh"
    env "$@" bash "bench/$name.sh" &
    CHILD=$!
    wait "$CHILD" || die "bench/$name.sh failed"
    CHILD=""
    echo
}
bench deploy
bench serve
bench webhooks RESULTS=-
bench ui
bench npm
bench watchers
bench composer PLUGINS="${COMPOSER_PLUGINS:-60000}"
bench composer-proxy
echo "* at the end: $(busy_report); load average $(cut -d' ' -f1-3 /proc/loadavg)"

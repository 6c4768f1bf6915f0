#!/usr/bin/env bash
# Idle cost of watch triggers: CPU and memory of `ferry serve` (release build) with no
# bindings, then with SCHEDULES schedule bindings and POLLS registry-poll bindings.
#
#   bash bench/watchers.sh          SCHEDULES=1000 POLLS=1000 WINDOW=20 RUNS=5
#                                   (FERRY_BIN=path/to/ferry to skip the release build)
#
# Steps:
#   1. a local npm registry (python3 http.server serving one packument) on 127.0.0.1;
#   2. ferry serve as `make run` starts it: the reconcile loop on and the example workloads
#      (`make examples`: a site, a Composer library, an npm mirror) applied and deployed, plus one
#      static-site workload the bindings target; idle CPU (utime+stime from /proc/<pid>/stat over
#      WINDOW seconds) and RSS, RUNS times;
#   3. SCHEDULES schedule bindings (`0 3 * * *`: none fires during the run) and POLLS
#      registry-poll bindings (interval 5m, against the local registry) through POST /api/bindings;
#      waits until every poller has made its first check (one request each);
#   4. the same idle measurement, RUNS times, all inside the 5 minutes before the next polls.
# Prints a Markdown section for bench/RESULTS.md on stdout.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

for tool in curl python3; do command -v "$tool" >/dev/null 2>&1 || die "$tool is missing"; done
SCHEDULES="${SCHEDULES:-1000}"
POLLS="${POLLS:-1000}"
WINDOW="${WINDOW:-20}"
[[ "$SCHEDULES$POLLS$WINDOW" =~ ^[0-9]+$ ]] || die "SCHEDULES, POLLS and WINDOW must be numbers"
(( RUNS * WINDOW < 240 )) || die "RUNS × WINDOW must stay under 240 s (the pollers check again after 5 minutes)"
FERRY="$(ferry_release_bin)"

tmp="$(mktemp -d /tmp/ferry-bench-watchers.XXXXXX)"
FERRY_PID=""
UP_PID=""
cleanup() {
    stop_pid "$FERRY_PID"
    stop_pid "$UP_PID"
    if [ -n "${KEEP_TMP:-}" ]; then note "kept $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

mkdir -p "$tmp/registry"
cat >"$tmp/registry/left-pad" <<'JSON'
{"name": "left-pad", "dist-tags": {"latest": "1.3.0"}, "versions": {"1.3.0": {"name": "left-pad", "version": "1.3.0", "dist": {"tarball": "http://127.0.0.1/left-pad-1.3.0.tgz"}}}}
JSON
up_port="$(free_port)"
python3 -m http.server "$up_port" --bind 127.0.0.1 --directory "$tmp/registry" 2>"$tmp/registry.log" >/dev/null &
UP_PID=$!
UP="http://127.0.0.1:$up_port"
wait_http "$UP/left-pad" 30 || die "the local registry did not start"

make -s -C "$BENCH_ROOT" examples >"$tmp/examples.log" 2>&1 || { tail -20 "$tmp/examples.log" >&2; die "make examples failed"; }
ferry_port="$(free_port)"
cat >"$tmp/ferry.yaml" <<YAML
auth: { mode: none }
apply: [examples/.repos/workloads.yaml, examples/.repos/composer.yaml, examples/.repos/npm-mirror.yaml]
volumes: { allow: [examples/.repos/npm-storage] }
git: { fileRoots: [examples/.repos] }
YAML
"$FERRY" serve --config "$tmp/ferry.yaml" --data "$tmp/data" --listen "127.0.0.1:$ferry_port" >"$tmp/ferry.log" 2>&1 &
FERRY_PID=$!
FERRY_URL="http://127.0.0.1:$ferry_port"
wait_http "$FERRY_URL/api/health" 30 || { tail -20 "$tmp/ferry.log" >&2; die "ferry serve did not start"; }
curl -fsS -X POST -H 'Content-Type: application/yaml' --data-binary @- "$FERRY_URL/api/apply" >/dev/null <<'YAML'
name: bench
source:
  kind: static-site
  config: { repo: "http://127.0.0.1:9/bench.git" }
YAML

for workload in $(curl -fsS "$FERRY_URL/api/workloads" | python3 -c 'import json,sys; print(" ".join(w["name"] for w in json.load(sys.stdin) if w["name"] != "bench"))'); do
    wait_deployed "$workload" 180 || die "the example workload $workload was not deployed within 180 s"
done
examples="$(curl -fsS "$FERRY_URL/api/workloads" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)) - 1)')"

ticks="$(getconf CLK_TCK)"
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$FERRY_PID/stat"; }
rss_mb() { awk '/^VmRSS:/ { printf "%.1f", $2 / 1024 }' "/proc/$FERRY_PID/status"; }

# measure LABEL: RUNS windows of WINDOW seconds; sets CPU_RUNS (percent of one CPU) and RSS_RUNS (MB).
measure() {
    CPU_RUNS=""
    RSS_RUNS=""
    local i before after cpu
    for ((i = 1; i <= RUNS; i++)); do
        before="$(cpu_ticks)"
        sleep "$WINDOW"
        after="$(cpu_ticks)"
        cpu="$(python3 -c "print(f'{($after - $before) / $ticks / $WINDOW * 100:.2f}')")"
        CPU_RUNS+="$cpu "
        RSS_RUNS+="$(rss_mb) "
        note "$1 run $i/$RUNS: cpu $cpu % rss $(rss_mb) MB"
    done
}

sleep 3
measure "no bindings"
CPU_EMPTY="$CPU_RUNS"
RSS_EMPTY="$RSS_RUNS"

note "creating $SCHEDULES schedule and $POLLS registry-poll bindings"
start_create="$(now)"
python3 - "$FERRY_URL" "$UP" "$SCHEDULES" "$POLLS" <<'PY'
import http.client, json, sys, urllib.parse
base, upstream, schedules, polls = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
url = urllib.parse.urlparse(base)
conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
def post(doc):
    conn.request("POST", "/api/bindings", json.dumps(doc), {"Content-Type": "application/json"})
    r = conn.getresponse()
    body = r.read()
    if r.status != 201:
        sys.exit(f"POST /api/bindings: {r.status} {body[:200]!r}")
target = [{"name": "bench", "action": "deploy"}]
for i in range(schedules):
    post({"id": f"cron-{i}", "kind": "schedule", "config": {"cron": "0 3 * * *"}, "workloads": target})
for i in range(polls):
    post({"id": f"poll-{i}", "kind": "registry-poll",
          "config": {"interval": "5m", "npm": {"registry": upstream, "package": "left-pad"}}, "workloads": target})
PY
created="$(python3 -c "print(f'{$(now) - $start_create:.1f}')")"

# Every poller's first check is one GET of the packument (the registry logs one line per
# request; the first line is this script's readiness check).
for ((i = 0; i < 600; i++)); do
    seen="$(( $(grep -c 'GET /left-pad' "$tmp/registry.log" || true) - 1 ))"
    [ "$seen" -ge "$POLLS" ] && break
    sleep 0.1
done
first_polls="$(python3 -c "print(f'{$(now) - $start_create:.1f}')")"
[ "$seen" -ge "$POLLS" ] || die "only $seen of $POLLS pollers checked within 60 s"
sleep 5
watching="$(curl -fsS "$FERRY_URL/api/bindings" | python3 -c 'import json,sys; print(sum(1 for b in json.load(sys.stdin) if (b.get("status") or {}).get("watching")))')"
measure "$SCHEDULES schedules + $POLLS polls"
CPU_FULL="$CPU_RUNS"
RSS_FULL="$RSS_RUNS"
peak="$(peak_rss "$FERRY_PID")"
requests_after="$(( $(grep -c 'GET /left-pad' "$tmp/registry.log" || true) - 1 ))"
errors="$(grep -ci 'error' "$tmp/ferry.log" || true)"

read -r cpu_e_med cpu_e_min cpu_e_max <<<"$(stats $CPU_EMPTY)"
read -r rss_e_med _ _ <<<"$(stats $RSS_EMPTY)"
read -r cpu_f_med cpu_f_min cpu_f_max <<<"$(stats $CPU_FULL)"
read -r rss_f_med _ _ <<<"$(stats $RSS_FULL)"
commit="$(git -C "$BENCH_ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')"
cat <<MD
## Watch triggers at rest (bench/watchers.sh)

\`SCHEDULES=$SCHEDULES POLLS=$POLLS WINDOW=$WINDOW RUNS=$RUNS bash bench/watchers.sh\` on $(date -u '+%Y-%m-%d %H:%M UTC'),
commit $commit, $( [[ "$FERRY" == */release/* ]] && echo "release build" || echo "NOT a release build" ) ($FERRY), $(nproc) CPU(s) ($(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)),
$(awk '/MemTotal/ { printf "%.1f GB", $2 / 1048576 }' /proc/meminfo) RAM; $(busy_report).
CPU is utime+stime of \`ferry serve\` over each ${WINDOW}-second window, in percent of one CPU.

| state | CPU % median | min | max | RSS MB median | per run (CPU %) |
| --- | --- | --- | --- | --- | --- |
| $examples example workloads deployed, reconcile loop on, no bindings | $cpu_e_med | $cpu_e_min | $cpu_e_max | $rss_e_med | $CPU_EMPTY|
| the same + $SCHEDULES schedule + $POLLS registry-poll bindings (target < 1 %) | $cpu_f_med | $cpu_f_min | $cpu_f_max | $rss_f_med | $CPU_FULL|

* bindings created through the API in ${created} s; every poller had made its first check ${first_polls} s after the first POST;
  bindings whose watcher runs (\`status.watching\`): $watching of $((SCHEDULES + POLLS))
* registry requests: $seen after the first checks, $requests_after after the measurement (no poll is due within 5 minutes)
* peak RSS (VmHWM) over the whole run: $peak; lines with "error" in the server log: $errors
MD

#!/usr/bin/env bash
# The reconciler with 1,000 live workloads: how long one pass takes, and what an idle server
# costs in CPU with all of them live.
#
#   bash bench/reconcile.sh     WORKLOADS=N (default 1000) WINDOW=S (default 300) idle window
#
# Starts the release `ferry serve` with the reconcile loop on at its default interval (10 s),
# applies WORKLOADS static-site workloads of one small repository in one `POST /api/apply` and
# lets the reconciler deploy every one of them (a new workload's generation is ahead of what
# is live). Once all are live and no job is left, it reads the pass figures from /metrics,
# measures utime+stime of `ferry serve` over WINDOW seconds without a request, and reads the
# figures again: the passes of the window are Δ sum / Δ count. A pass looks at every workload
# from memory — one readlink each, no manifest read, no stat of a file.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$BENCH_ROOT"
WORKLOADS="${WORKLOADS:-1000}"
WINDOW="${WINDOW:-300}"

FERRY="$(ferry_release_bin)"
TMP="$(mktemp -d /tmp/ferry-bench-reconcile.XXXXXX)"
FERRY_PID=""
cleanup() { stop_pid "$FERRY_PID"; rm -rf "$TMP"; }
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

new_site_repo "$TMP/site.git" "$TMP/work"
mkdir -p "$TMP/work/public/css"
for i in $(seq 1 20); do echo "<h1>page $i</h1>" >"$TMP/work/public/page-$i.html"; done
echo "<h1>bench</h1>" >"$TMP/work/public/index.html"
echo "body { margin: 0 }" >"$TMP/work/public/css/site.css"
commit_and_push "$TMP/work" "site"

wait_idle
start_ferry "$TMP/data" "$(free_port)" "$TMP/ferry.log"
for ((i = 0; i < WORKLOADS; i++)); do
    site_workload "$(printf 'site-%04d' "$i")" "$TMP/site.git"
    echo "---"
done >"$TMP/workloads.yaml"
started="$(now)"
curl -fs -o /dev/null -X POST --data-binary "@$TMP/workloads.yaml" -H 'content-type: application/yaml' "$FERRY_URL/api/apply" \
    || die "applying $WORKLOADS workloads failed"
note "applied $WORKLOADS workloads; waiting for the reconciler to deploy them all"

# live_count: workloads with a live build, and jobs still queued or running.
live_count() {
    python3 - "$FERRY_URL" <<'PY'
import json, sys, urllib.request
base = sys.argv[1]
get = lambda path: json.load(urllib.request.urlopen(base + path, timeout=30))
rows = get("/api/workloads")
jobs = get("/api/jobs?limit=1000")
jobs = jobs.get("jobs", jobs) if isinstance(jobs, dict) else jobs
live = sum(1 for w in rows if (w.get("status") or {}).get("liveBuildID"))
print(live, sum(1 for j in jobs if j.get("state") in ("queued", "running")))
PY
}
for ((i = 0; i < 3600; i++)); do
    read -r live active <<<"$(live_count)"
    [ "$live" -ge "$WORKLOADS" ] && [ "$active" = 0 ] && break
    ((i % 30 == 0)) && note "$live of $WORKLOADS live, $active job(s) queued or running"
    sleep 1
done
[ "$live" -ge "$WORKLOADS" ] || die "only $live of $WORKLOADS workloads went live within an hour"
deployed="$(python3 -c "print(f'{$(now) - $started:.0f}')")"
note "all $WORKLOADS live after $deployed s; letting two passes run before measuring"
sleep 25

metric() { curl -fs "$FERRY_URL/metrics" | awk -v name="$1" '$1 == name { print $2 }'; }
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$FERRY_PID/stat"; }
ticks="$(getconf CLK_TCK)"

count_before="$(metric ferry_reconcile_passes_total)"
sum_before="$(metric ferry_reconcile_pass_seconds_sum)"
cpu_before="$(cpu_ticks)"
busy_start="$(busy_report)"
note "idle window of $WINDOW s"
sleep "$WINDOW"
cpu_after="$(cpu_ticks)"
busy_end="$(busy_report)"
count_after="$(metric ferry_reconcile_passes_total)"
sum_after="$(metric ferry_reconcile_pass_seconds_sum)"
last="$(metric ferry_reconcile_pass_seconds)"
workloads_seen="$(metric ferry_reconcile_pass_workloads | cut -d. -f1)"
rss="$(peak_rss "$FERRY_PID")"
errors="$(grep -ci 'error' "$TMP/ferry.log" || true)"

python3 - "$count_before" "$count_after" "$sum_before" "$sum_after" "$last" "$cpu_before" "$cpu_after" "$ticks" "$WINDOW" <<'PY' >"$TMP/figures"
import sys
c0, c1, s0, s1, last, t0, t1, ticks, window = map(float, sys.argv[1:])
passes = c1 - c0
print(f"{int(passes)} {((s1 - s0) / passes * 1000) if passes else float('nan'):.2f} {last * 1000:.2f} {(t1 - t0) / ticks / window * 100:.2f}")
PY
read -r passes mean_ms last_ms cpu <<<"$(cat "$TMP/figures")"
commit="$(git rev-parse --short HEAD 2>/dev/null || echo '?')"

cat <<EOF
### The reconciler with $WORKLOADS live workloads (bench/reconcile.sh)

\`WORKLOADS=$WORKLOADS WINDOW=$WINDOW bash bench/reconcile.sh\` on $(date -u '+%Y-%m-%d %H:%M UTC'), commit $commit,
$( [[ "$FERRY" == */release/* ]] && echo "release build" || echo "NOT a release build" ), $(nproc) CPU(s); at the start of the window: $busy_start; at its end: $busy_end.

| measure | figure | target |
| --- | ---: | --- |
| reconcile pass over $workloads_seen workloads, mean of the $passes passes in the window | $mean_ms ms | < 100 ms |
| the last of them | $last_ms ms | |
| idle CPU of \`ferry serve\` over $WINDOW s, all $WORKLOADS live, reconcile loop on (10 s) | $cpu % | < 1 % |

* the reconciler deployed all $WORKLOADS workloads (22 files each) in $deployed s after one \`POST /api/apply\`
* peak RSS of ferry serve: $rss; lines with "error" in the server log: $errors
EOF

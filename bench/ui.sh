#!/usr/bin/env bash
# The web UI's dashboard with 1,000 workloads: how long `GET /` takes to render.
#
#   bash bench/ui.sh            REQUESTS=N (default 50) measured requests per page
#
# Starts the release `ferry serve` on a free port of 127.0.0.1 with a temp data dir and the
# reconcile loop off (nothing deploys on its own: the figure is the page, not the builds),
# applies 1,000 static-site workloads in one `POST /api/apply`, deploys 100 of them so rows
# carry live revisions and deploy times, waits for those jobs to end, then times REQUESTS sequential GETs of `/` with curl (time_total, which
# includes the connection), after 5 warm-up requests. Prints a Markdown table of median, p95
# and max, and the page size. Also times `/events` and one workload page for comparison.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$BENCH_ROOT"
REQUESTS="${REQUESTS:-50}"
WORKLOADS="${WORKLOADS:-1000}"

FERRY="$(ferry_release_bin)"
TMP="$(mktemp -d /tmp/ferry-bench-ui.XXXXXX)"
FERRY_PID=""
cleanup() { stop_pid "$FERRY_PID"; rm -rf "$TMP"; }
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

new_site_repo "$TMP/site.git" "$TMP/work"
mkdir -p "$TMP/work/public" && echo "<h1>bench</h1>" >"$TMP/work/public/index.html"
commit_and_push "$TMP/work" "site"

port="$(free_port)"
printf 'reconcile: false\nauth: { mode: none }\ngit: { fileRoots: ["%s"] }\n' "$TMP" >"$TMP/ferry.yaml"
"$FERRY" serve --data "$TMP/data" --listen "127.0.0.1:$port" --config "$TMP/ferry.yaml" >"$TMP/ferry.log" 2>&1 &
FERRY_PID=$!
FERRY_URL="http://127.0.0.1:$port"
wait_http "$FERRY_URL/api/health" 30 || { tail -20 "$TMP/ferry.log" >&2; die "ferry serve did not start"; }

for ((i = 0; i < WORKLOADS; i++)); do
    site_workload "$(printf 'site-%04d' "$i")" "$TMP/site.git"
    echo "---"
done >"$TMP/workloads.yaml"
curl -fs -o /dev/null -X POST --data-binary "@$TMP/workloads.yaml" -H 'content-type: application/yaml' "$FERRY_URL/api/apply" \
    || die "applying $WORKLOADS workloads failed"
# A deploy for a tenth of them, so the dashboard has live revisions and deploy times to show;
# measuring starts once they are done (at most 300 s), so the builds do not share the CPU.
for ((i = 0; i < WORKLOADS; i += 10)); do
    curl -fs -o /dev/null -X POST "$FERRY_URL/api/workloads/$(printf 'site-%04d' "$i")/actions/deploy" || true
done
for ((i = 0; i < 3000; i++)); do
    active="$(curl -fs "$FERRY_URL/api/jobs?limit=1000" | grep -c -E '"state":"(queued|running)"' || true)"
    [ "$active" = 0 ] && break
    sleep 0.1
done

# time_page PATH: "median p95 max bytes" over REQUESTS GETs, in milliseconds.
time_page() {
    local path="$1" i times=()
    for ((i = 0; i < 5; i++)); do curl -fs -o /dev/null "$FERRY_URL$path"; done
    for ((i = 0; i < REQUESTS; i++)); do
        times+=("$(curl -fs -o /dev/null -w '%{time_total}' "$FERRY_URL$path")")
    done
    local bytes
    bytes="$(curl -fs "$FERRY_URL$path" | wc -c)"
    python3 -c '
import statistics, sys
v = sorted(float(x) * 1000 for x in sys.argv[2:])
p95 = v[min(len(v) - 1, int(round(0.95 * (len(v) - 1))))]
print(f"{statistics.median(v):.1f} {p95:.1f} {max(v):.1f} {sys.argv[1]}")' "$bytes" "${times[@]}"
}

wait_idle
started="$(date -u)"
busy="$(busy_report)"
rows=""
for path in "/" "/api/workloads" "/events" "/workloads/site-0000" "/new?kind=static-site"; do
    read -r median p95 max bytes <<<"$(time_page "$path")"
    rows+="| \`GET $path\` | $median | $p95 | $max | $((bytes / 1024)) KiB |"$'\n'
done
rendered="$(curl -fs "$FERRY_URL/" | grep -c 'data-workload=' || true)"

echo "### Dashboard with $WORKLOADS workloads"
echo
echo "* date: $started; $busy; $(nproc) CPUs; release build, commit $(git rev-parse --short HEAD)"
echo "* $WORKLOADS static-site workloads, $(( (WORKLOADS + 9) / 10 )) of them deployed; the dashboard listed $rendered rows"
echo "* $REQUESTS sequential requests per page after 5 warm-ups; curl \`time_total\` in ms"
echo
echo "| page | median ms | p95 ms | max ms | size |"
echo "| --- | ---: | ---: | ---: | ---: |"
printf '%s' "$rows"

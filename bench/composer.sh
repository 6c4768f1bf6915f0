#!/usr/bin/env bash
# composer-repo at scale: a full build of a synthetic repository of PLUGINS packages with
# VERSIONS versions each (time and peak memory), an incremental deploy after CHANGED packages
# changed upstream, and p2 requests/s served by Ferry next to nginx serving the same files.
#
#   bash bench/composer.sh          PLUGINS=60000 VERSIONS=15 CHANGED=100 DURATION=10s RUNS=3
#                                   (FERRY_BIN=path/to/ferry to skip the release build;
#                                   BENCH_TMP=DIR puts the data dir on another filesystem, default /tmp)
#
# The upstream is bench/composer-upstream.py, a synthetic WordPress.org on 127.0.0.1 (svn listing,
# info API, recently-updated feed). Steps, each timed from the CLI (`ferry run … --wait`):
#   1. discover (listing: PLUGINS slugs) and update (PLUGINS info requests, 8 in parallel);
#   2. ferry is restarted, so its peak RSS (VmHWM) afterwards is the build's, then `build`:
#      every p2 file rendered, packages.json, manifest.json, validation, then the engine's own
#      manifest (sha256 of every file), verification and activation;
#   3. CHANGED plugins get a new version upstream; `deploy` = discover (feed) → update (only
#      those) → build (the rest hard-linked from the previous build) → verify → activate;
#   4. promote of that build into a child stage (`parent: bench-composer`);
#   5. CHURN_BUILDS more deploys, each after 1 % of the packages changed: the object store's size
#      against one build's bytes (builds share every unchanged object);
#   6. wrk -t2 -c32 against one p2 file, Ferry then nginx (serving a copy of the same bytes), RUNS rounds.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

for tool in git curl python3 nginx wrk; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool is missing; 'make bench' installs nginx and wrk"
done
PLUGINS="${PLUGINS:-60000}"
VERSIONS="${VERSIONS:-15}"
CHANGED="${CHANGED:-200}"
CHURN_BUILDS="${CHURN_BUILDS:-10}"
DURATION="${DURATION:-10s}"
RUNS="${RUNS:-3}"
[[ "$PLUGINS$VERSIONS$CHANGED" =~ ^[0-9]+$ ]] || die "PLUGINS, VERSIONS and CHANGED must be numbers"
FERRY="$(ferry_release_bin)"
NAME=bench-composer

tmp="$(mktemp -d "${BENCH_TMP:-/tmp}/ferry-bench-composer.XXXXXX")"
FERRY_PID=""
NGINX_PID=""
UP_PID=""
cleanup() {
    stop_pid "$NGINX_PID"
    stop_pid "$FERRY_PID"
    stop_pid "$UP_PID"
    if [ -n "${KEEP_TMP:-}" ]; then note "kept $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

up_port="$(free_port)"
python3 "$BENCH_ROOT/bench/composer-upstream.py" "$up_port" "$PLUGINS" "$VERSIONS" &
UP_PID=$!
UP="http://127.0.0.1:$up_port"
wait_http "$UP/svn/" 30 || die "the synthetic upstream did not start"

# The reconcile loop is off, so nothing but the timed actions below runs (it would deploy the
# new workload on its own as soon as it is applied).
ferry_port="$(free_port)"
printf 'reconcile: false\nauth: { mode: none }\n' >"$tmp/ferry.yaml"
start_ferry_quiet() {
    "$FERRY" serve --config "$tmp/ferry.yaml" --data "$tmp/data" --listen "127.0.0.1:$ferry_port" >"$1" 2>&1 &
    FERRY_PID=$!
    FERRY_URL="http://127.0.0.1:$ferry_port"
    wait_http "$FERRY_URL/api/health" 30 || { tail -20 "$1" >&2; die "ferry serve did not answer on $FERRY_URL within 30 s"; }
}
start_ferry_quiet "$tmp/ferry.log"
cat >"$tmp/workload.yaml" <<YAML
name: $NAME
source:
  kind: composer-repo
  config:
    wordpress: { listing: true, api: "$UP", downloads: "$UP", svn: "$UP/svn", concurrency: 8, timeout: 60s }
YAML
"$FERRY" apply -f "$tmp/workload.yaml" --server "$FERRY_URL" >/dev/null

# timed ACTION [PARAM…]: runs the action and waits; prints the wall seconds.
timed() {
    local action="$1" start end
    shift
    start="$(now)"
    "$FERRY" run "${TARGET:-$NAME}" "$action" "$@" --wait --server "$FERRY_URL" >"$tmp/$action.log" 2>&1 || { tail -30 "$tmp/$action.log" >&2; die "$action failed"; }
    end="$(now)"
    python3 -c "print(f'{$end - $start:.1f}')"
}
hwm() { awk '/^VmHWM/ { printf "%.0f", $2 / 1024 }' "/proc/$FERRY_PID/status"; }
build_meta() {
    python3 - "$(live_file "$tmp/data" "$NAME" manifest.json)" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
c, t = m["counts"], m["timings"]
print(f"{c['packages']} packages, {c['versions']} versions, {c['files']} files; rendered {c['rendered']}, reused {c['reused']}; "
      f"written {c['written']}, linked {c['linked']}; plugin build step {t['totalSeconds']:.1f} s")
PY
}

note "discover + update of $PLUGINS plugins × $VERSIONS versions (this takes a while)"
t_discover="$(timed discover)"
t_update="$(timed update)"
rss_sync="$(hwm)"

stop_pid "$FERRY_PID"
start_ferry_quiet "$tmp/ferry2.log"
rss_idle="$(hwm)"
note "full build"
t_build="$(timed build)"
rss_build="$(hwm)"
full_meta="$(build_meta)"
disk="$(python3 -c "print(f'{$(live_bytes "$tmp/data" "$NAME") / 1048576:.0f}M')")"

curl -fs -X POST "$UP/control/bump?count=$CHANGED" >/dev/null
note "incremental deploy after $CHANGED packages changed"
t_incr="$(timed deploy)"
rss_incr="$(hwm)"
incr_meta="$(build_meta)"
# The engine's part of that deploy: from the plugin's last line to live (store what was put,
# list the rest, check every object, records, switch).
engine_incr="$(python3 - "$tmp/deploy.log" <<'PY'
import re, sys
from datetime import datetime
stamps = []
for line in open(sys.argv[1], errors="replace"):
    m = re.search(r"(\d\d:\d\d:\d\d\.\d{3}) (.*)", line)
    if m: stamps.append((datetime.strptime(m.group(1), "%H:%M:%S.%f"), m.group(2)))
start = next((t for t, text in stamps if text.startswith("build b-") and " packages (" in text), None)
end = next((t for t, text in stamps if text.startswith("progress 100% live")), None)
print(f"{(end - start).total_seconds():.3f}" if start and end else "n/a")
PY
)"
objects_one="$(du -sm "$tmp/data/objects" | cut -f1)"

note "promote into a child stage"
sed -e "s/^name: $NAME/name: $NAME-prod/" "$tmp/workload.yaml" >"$tmp/child.yaml"
printf 'parent: %s\n' "$NAME" >>"$tmp/child.yaml"
"$FERRY" apply -f "$tmp/child.yaml" --server "$FERRY_URL" >/dev/null
t_promote="$(TARGET="$NAME-prod" timed promote)"

churn=$((PLUGINS / 100))
note "$CHURN_BUILDS deploys, $churn packages (1 %) changed before each"
churn_times=()
for ((c = 1; c <= CHURN_BUILDS; c++)); do
    curl -fs -X POST "$UP/control/bump?count=$churn" >/dev/null
    churn_times+=("$(timed deploy)")
done
objects_all="$(du -sm "$tmp/data/objects" | cut -f1)"
builds_kept="$(ls "$tmp/data/workloads/$NAME/builds" | wc -l)"

# p2 requests/s: one package's p2 file from Ferry and from nginx serving Ferry's live build.
path="p2/wp-plugin/plugin-00042.json"
root="$tmp/peer"
mkdir -p "$root/p2/wp-plugin"
cp "$(live_file "$tmp/data" "$NAME" "$path")" "$root/$path" || die "no $path in the live build"
nginx_port="$(free_port)"
mkdir -p "$tmp/nginx/logs" "$tmp/nginx/temp"
cat >"$tmp/nginx/nginx.conf" <<CONF
daemon off;
user root;
worker_processes auto;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/logs/error.log;
events { worker_connections 1024; }
http {
    include /etc/nginx/mime.types;
    access_log off;
    sendfile on;
    keepalive_requests 1000000;
    client_body_temp_path $tmp/nginx/temp;
    server { listen 127.0.0.1:$nginx_port; root $root; }
}
CONF
nginx -c "$tmp/nginx/nginx.conf" -p "$tmp/nginx" &
NGINX_PID=$!
wait_http "http://127.0.0.1:$nginx_port/$path" 10 || die "nginx did not start"
cmp <(curl -fs "$FERRY_URL/composer/$NAME/$path") <(curl -fs "http://127.0.0.1:$nginx_port/$path") || die "Ferry and nginx answer different bytes"
rps() { wrk -t2 -c32 -d"$DURATION" "$1" | awk '/^Requests\/sec/ { printf "%.0f", $2 }'; }
ferry_runs=(); nginx_runs=()
for ((r = 1; r <= RUNS; r++)); do
    ferry_runs+=("$(rps "$FERRY_URL/composer/$NAME/$path")")
    nginx_runs+=("$(rps "http://127.0.0.1:$nginx_port/$path")")
done
median() { printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
ferry_rps="$(median "${ferry_runs[@]}")"
nginx_rps="$(median "${nginx_runs[@]}")"
size="$(stat -c %s "$root/$path")"
churn_median="$(median "${churn_times[@]:-0}")"

echo "## composer-repo at scale (bench/composer.sh)"
echo
echo "* date: $(date -u); $(nproc) CPUs, $(free -h | awk '/^Mem:/ { print $2 }') RAM; ferry release build, commit $(git -C "$BENCH_ROOT" rev-parse --short HEAD)"
echo "* PLUGINS=$PLUGINS VERSIONS=$VERSIONS CHANGED=$CHANGED; upstream: bench/composer-upstream.py on loopback"
echo
echo "| step | wall time | ferry peak RSS (VmHWM) |"
echo "| --- | --- | --- |"
echo "| discover ($PLUGINS slugs from the listing) | ${t_discover} s | |"
echo "| update ($PLUGINS info requests, 8 in parallel) | ${t_update} s | ${rss_sync} MiB (discover + update) |"
echo "| full build + verify + activate | ${t_build} s | ${rss_build} MiB (idle after restart: ${rss_idle} MiB) |"
echo "| incremental deploy ($CHANGED changed: discover feed + update + build + store + activate) | ${t_incr} s | ${rss_incr} MiB |"
echo "| — of which the engine (store what was put, list the rest, check objects, switch) | ${engine_incr} s | |"
echo "| promote of that build into a child stage | ${t_promote} s | |"
echo "| deploy after 1 % ($churn packages) changed, median of $CHURN_BUILDS | ${churn_median} s | |"
echo
echo "* full build: $full_meta; live build on disk: $disk"
echo "* object store after the first two builds: ${objects_one} MiB; after $CHURN_BUILDS more at 1 % churn (builds kept: $builds_kept): ${objects_all} MiB ($(python3 -c "print(f'{$objects_all / max($objects_one, 1):.2f}')")× )"
echo "* incremental build: $incr_meta"
echo
echo "| p2 file ($size bytes), wrk -t2 -c32 -d$DURATION, median of $RUNS | requests/s |"
echo "| --- | --- |"
echo "| Ferry /composer/$NAME/$path | $ferry_rps |"
echo "| nginx, same file (worker_processes auto, sendfile) | $nginx_rps |"
echo "| Ferry / nginx | $(python3 -c "print(f'{$ferry_rps / $nginx_rps:.2f}')") |"

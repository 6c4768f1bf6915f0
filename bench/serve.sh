#!/usr/bin/env bash
# Requests per second for one site file, served by Ferry and by nginx on the same machine.
#
#   RUNS=5 bash bench/serve.sh         (FERRY_BIN=path/to/ferry to skip the release build)
#   DURATION=10s CONNECTIONS=32 THREADS=2 are wrk's settings (defaults shown); PERF=1 adds a
#   perf profile of ferry serving the file.
#
# Deploys a small static site whose index.html is 10,240 bytes with `ferry serve` (release build),
# then starts nginx with a config written to the temp dir whose root is the very build Ferry
# serves (<data>/workloads/bench-serve/current/content), and checks both answer the same bytes. Then
# RUNS rounds, alternating which server goes first in each round, of
#
#   wrk -t2 -c32 -d10s --latency URL
#
# against, in turn: Ferry 200 (/sites/bench-serve/index.html), Ferry 304 (If-None-Match with
# the ETag Ferry sent), nginx 200 (/index.html), nginx 304 (its own ETag); then RUNS runs each of
# two reference rows: Ferry's 404 for an unrouted path, nginx 200 with one worker process. Prints the medians (requests/s, latency p50 and p99) and Ferry/nginx
# ratios as a Markdown table. Everything listens on 127.0.0.1; the temp dir and both servers go
# away at exit. wrk runs on the same 2 cores as the server it measures, for both servers alike.
#
# nginx settings, chosen to be a plain production-like static server and to be fair:
#   worker_processes auto (one per core: Ferry's event loops also use every core; the extra row
#   with worker_processes 1 shows nginx on one core), sendfile on, access_log off (Ferry keeps
#   no access log), keepalive_requests 1000000 (Ferry does not close kept-alive connections
#   after 1,000 requests; nginx's default would make wrk reconnect), open_file_cache off (the
#   default; Ferry caches no file either).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

for tool in git curl python3 nginx wrk; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool is missing; 'make bench' installs nginx and wrk (apt-get install nginx wrk)"
done
FERRY="$(ferry_release_bin)"
NAME=bench-serve
DURATION="${DURATION:-10s}"
CONNECTIONS="${CONNECTIONS:-32}"
THREADS="${THREADS:-2}"
[[ "$DURATION" =~ ^[0-9]+s$ ]] || die "DURATION must be seconds, like 10s; got \"$DURATION\""
[[ "$CONNECTIONS$THREADS" =~ ^[0-9]+$ ]] || die "CONNECTIONS and THREADS must be numbers"

tmp="$(mktemp -d /tmp/ferry-bench-serve.XXXXXX)"
FERRY_PID=""
NGINX_PID=""
cleanup() {
    stop_pid "$NGINX_PID"
    stop_pid "$FERRY_PID"
    if [ -n "${KEEP_TMP:-}" ]; then note "kept $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# A small site (index.html of 10,240 bytes, a 404 page, a few assets) in a bare repository.
bare="$tmp/site.git"
work="$tmp/work"
new_site_repo "$bare" "$work"
python3 "$BENCH_ROOT/bench/make-site.py" "$work/public" 20 >/dev/null
commit_and_push "$work" "A small site"

ferry_port="$(free_port)"
start_ferry "$tmp/data" "$ferry_port" "$tmp/ferry.log"
{ site_workload "$NAME" "$bare"; echo 'triggers: [ { kind: manual, action: deploy } ]'; } >"$tmp/workload.yaml"
"$FERRY" apply -f "$tmp/workload.yaml" --server "$FERRY_URL" >/dev/null
# A new workload is deployed by the reconciler at once.
wait_deployed "$NAME" 60 || die "$NAME was not deployed within 60 s of the apply"
root="$(build_root "$tmp/data" "$NAME")"
[ -f "$root/index.html" ] || die "no $root/index.html after the deploy"

# nginx, from a config in the temp dir: nothing outside it is read or written but mime.types.
# start_nginx WORKERS: (re)starts nginx with that many worker processes ("auto" or a number).
nginx_port="$(free_port)"
mkdir -p "$tmp/nginx/logs" "$tmp/nginx/temp"
start_nginx() {
    stop_pid "$NGINX_PID"
    NGINX_PID=""
    cat >"$tmp/nginx/nginx.conf" <<CONF
daemon off;
user root;
worker_processes $1;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/logs/error.log error;
events { worker_connections 1024; }
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_timeout 65;
    keepalive_requests 1000000;
    client_body_temp_path $tmp/nginx/temp/body;
    proxy_temp_path $tmp/nginx/temp/proxy;
    fastcgi_temp_path $tmp/nginx/temp/fastcgi;
    uwsgi_temp_path $tmp/nginx/temp/uwsgi;
    scgi_temp_path $tmp/nginx/temp/scgi;
    server {
        listen 127.0.0.1:$nginx_port;
        root $root;
    }
}
CONF
    nginx -t -q -p "$tmp/nginx" -e "$tmp/nginx/logs/error.log" -c "$tmp/nginx/nginx.conf" || die "nginx rejected $tmp/nginx/nginx.conf"
    nginx -p "$tmp/nginx" -e "$tmp/nginx/logs/error.log" -c "$tmp/nginx/nginx.conf" &
    NGINX_PID=$!
    wait_http "http://127.0.0.1:$nginx_port/index.html" 10 || { cat "$tmp/nginx/logs/error.log" >&2; die "nginx did not start"; }
}
start_nginx auto

ferry_url="$FERRY_URL/sites/$NAME/index.html"
nginx_url="http://127.0.0.1:$nginx_port/index.html"

# Same bytes from both, and each one's ETag for the 304 rows.
curl -fs "$ferry_url" -o "$tmp/ferry.body" -D "$tmp/ferry.headers"
curl -fs "$nginx_url" -o "$tmp/nginx.body" -D "$tmp/nginx.headers"
cmp -s "$tmp/ferry.body" "$tmp/nginx.body" || die "Ferry and nginx serve different bytes for index.html"
cmp -s "$tmp/ferry.body" "$root/index.html" || die "Ferry's index.html differs from the build's"
etag_of() { tr -d '\r' <"$1" | awk 'tolower($1) == "etag:" { print $2 }'; }
ferry_etag="$(etag_of "$tmp/ferry.headers")"
nginx_etag="$(etag_of "$tmp/nginx.headers")"
[ -n "$ferry_etag" ] && [ -n "$nginx_etag" ] || die "no ETag from Ferry ($ferry_etag) or nginx ($nginx_etag)"
for pair in "$ferry_url|$ferry_etag" "$nginx_url|$nginx_etag"; do
    code="$(curl -s -o /dev/null -w '%{http_code}' -H "If-None-Match: ${pair#*|}" "${pair%|*}")"
    [ "$code" = 304 ] || die "${pair%|*} answered $code, not 304, to If-None-Match: ${pair#*|}"
done
size="$(wc -c <"$root/index.html")"
note "index.html: $size bytes, the same from Ferry and nginx; ETags $ferry_etag (Ferry), $nginx_etag (nginx)"

# bench LABEL RUN URL [HEADER]: one wrk run, its output kept as $tmp/wrk/LABEL.RUN.txt.
mkdir -p "$tmp/wrk"
bench() {
    local label="$1" run="$2" url="$3" header="${4:-}" out="$tmp/wrk/$1.$2.txt"
    local args=(-t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency)
    [ -n "$header" ] && args+=(-H "$header")
    wait_idle
    is_idle && idle_before=1 || idle_before=0
    wrk "${args[@]}" "$url" >"$out" 2>&1 || { cat "$out" >&2; die "wrk failed against $url"; }
    ((idle_before)) && is_idle || echo "$label.$run" >>"$tmp/busy.txt"
    note "run $run: $label $(awk '/^Requests\/sec/ { print $2 }' "$out") req/s"
}

note "$RUNS rounds of wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency; about $((RUNS * 6 * ${DURATION%s} / 60 + 1)) minutes"
for ((i = 1; i <= RUNS; i++)); do
    if ((i % 2)); then
        bench ferry-200 "$i" "$ferry_url"
        bench nginx-200 "$i" "$nginx_url"
        bench ferry-304 "$i" "$ferry_url" "If-None-Match: $ferry_etag"
        bench nginx-304 "$i" "$nginx_url" "If-None-Match: $nginx_etag"
    else
        bench nginx-200 "$i" "$nginx_url"
        bench ferry-200 "$i" "$ferry_url"
        bench nginx-304 "$i" "$nginx_url" "If-None-Match: $nginx_etag"
        bench ferry-304 "$i" "$ferry_url" "If-None-Match: $ferry_etag"
    fi
done

# PERF=1: where Ferry's CPU goes while it serves the file (perf record, 999 Hz, call graphs,
# 5 s in the middle of an extra wrk run); prints the share of samples under a few frames.
if [ -n "${PERF:-}" ]; then
    command -v perf >/dev/null 2>&1 || die "PERF=1 needs perf (apt-get install linux-perf)"
    wrk -t"$THREADS" -c"$CONNECTIONS" -d8s "$ferry_url" >"$tmp/perf-wrk.txt" 2>&1 &
    wrk_pid=$!
    sleep 1.5
    perf record -q -F 999 -g -p "$FERRY_PID" -o "$tmp/perf.data" -- sleep 5 >/dev/null 2>&1 || die "perf record failed"
    wait "$wrk_pid" || true
    perf report -i "$tmp/perf.data" --children --sort symbol --stdio -g none 2>/dev/null | swift demangle --simplified >"$tmp/perf.txt"
    perf report -i "$tmp/perf.data" --sort comm --stdio -g none 2>/dev/null >"$tmp/perf-threads.txt"
    python3 - "$tmp/perf.txt" "$tmp/perf-threads.txt" >"$tmp/perf-summary.md" <<'PY'
import re, sys
lines = open(sys.argv[1], errors="replace").read().splitlines()
frames = [
    ("FerryDatabase.workload(_:)", "FerryDatabase.workload: the workload row read from SQLite and JSON-decoded (every request)"),
    ("SiteSurface.respond(to:)", "SiteSurface.respond: path resolution, manifest lookup, realpath x2, lstat"),
    ("Engine.liveBuild(_:)", "Engine.liveBuild: readlink of `current` (every request)"),
    ("NIOThreadPool._start(", "file stat/open/read on NIO's thread pool (FileIO.loadFile)"),
    ("SelectableEventLoop.run()", "NIO event loops (HTTP parsing, socket reads and writes)"),
]
print("| frame (share of Ferry's CPU samples, with callees) | % |")
print("| --- | ---: |")
for needle, label in frames:
    share = next((float(m.group(1)) for line in lines if needle in line for m in [re.match(r"\s*([\d.]+)%", line)] if m), None)
    print(f"| {label} | {share if share is not None else 0:.1f} |")
threads = [re.match(r"\s*([\d.]+)%\s+(?:[\d.]+%\s+)?(\S+)", l) for l in open(sys.argv[2], errors="replace")]
threads = [(float(m.group(1)), m.group(2)) for m in threads if m]
print()
names = {"oot.default-qos": "Swift concurrency pool (com.apple.root.default-qos)"}
print("Samples by thread: " + ", ".join(f"{names.get(name, name)} {share:.0f}%" for share, name in threads[:4]) + ".")
PY
    note "perf profile of ferry: $(awk '/^Requests\/sec/ { print $2 }' "$tmp/perf-wrk.txt") req/s while recording"
fi

ferry_rss="$(peak_rss "$FERRY_PID")"
nginx_rss="$(ps -o rss= --ppid "$NGINX_PID" | awk '{ s += $1 } END { printf "%.0f MB", s / 1024 }')"

# Reference rows: Ferry answering 404 for a path no route matches (the HTTP server and error
# middleware only: the least any request costs in Ferry), and nginx with one worker process.
for ((i = 1; i <= RUNS; i++)); do bench ferry-floor "$i" "$FERRY_URL/no-such-route"; done
start_nginx 1
for ((i = 1; i <= RUNS; i++)); do bench nginx1-200 "$i" "$nginx_url"; done

touch "$tmp/busy.txt"
python3 - "$tmp/wrk" "$RUNS" "$size" "wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency" "$ferry_rss" "$nginx_rss" "$tmp/busy.txt" <<'PY'
import os, re, statistics, sys
folder, runs, size, command, ferry_rss, nginx_rss, busy_file = sys.argv[1:8]
busy = [l.strip() for l in open(busy_file) if l.strip()]

def ms(value):
    number, unit = re.match(r"([\d.]+)(us|ms|s)", value).groups()
    return float(number) * {"us": 1e-3, "ms": 1.0, "s": 1e3}[unit]

def parse(path):
    text = open(path).read()
    out = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))}
    for pct in ("50", "99"):
        m = re.search(rf"^\s+{pct}%\s+(\S+)", text, re.M)
        if m:
            out["p" + pct] = ms(m.group(1))
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    errors = re.search(r"Socket errors:.*", text)
    out["bad"] = int(bad.group(1)) if bad else 0
    out["errors"] = errors.group(0) if errors else ""
    return out

results = {}
for name in sorted(os.listdir(folder)):
    label, run, _ = name.rsplit(".", 2)
    results.setdefault(label, []).append(parse(os.path.join(folder, name)))

def med(label, key):
    values = [r[key] for r in results.get(label, []) if key in r]
    return statistics.median(values) if values else float("nan")

rows = [("Ferry, 200 (`/sites/bench-serve/index.html`)", "ferry-200", "nginx-200"),
        ("nginx, 200 (`/index.html`), worker_processes auto (2)", "nginx-200", None),
        ("Ferry, 304 (`If-None-Match` with the ETag)", "ferry-304", "nginx-304"),
        ("nginx, 304 (`If-None-Match` with its ETag), worker_processes auto (2)", "nginx-304", None),
        ("Ferry, 404 for a path no route matches (reference: HTTP server + error middleware only)", "ferry-floor", None),
        ("nginx, 200, worker_processes 1 (reference)", "nginx1-200", None)]
print(f"### Requests/s for one {int(size):,}-byte file, Ferry next to nginx (`{command}`, median of {runs} runs)")
print()
print("| server, response | requests/s (median) | min – max | latency p50 | latency p99 | Ferry / nginx |")
print("| --- | ---: | ---: | ---: | ---: | ---: |")
for title, label, peer in rows:
    if label not in results:
        continue
    rps = [r["rps"] for r in results[label]]
    ratio = f"{med(label, 'rps') / med(peer, 'rps'):.2f}" if peer else ""
    print(f"| {title} | {med(label, 'rps'):,.0f} | {min(rps):,.0f} – {max(rps):,.0f} | "
          f"{med(label, 'p50'):.2f} ms | {med(label, 'p99'):.2f} ms | {ratio} |")
print()
problems = [f"{label} run {i + 1}: {r['bad']} non-2xx/3xx, {r['errors']}".strip(", ")
            for label, rs in results.items() for i, r in enumerate(rs)
            if (r["bad"] and label != "ferry-floor") or r["errors"]]
print("Errors reported by wrk: " + ("; ".join(problems) if problems else "none") + " (the 404s of the reference row are expected).")
print(f"Peak RSS of ferry serve: {ferry_rss}; RSS of the nginx workers (auto) after the runs: {nginx_rss}. "
      + (f"A compile or test run was going on at the start or the end of {len(busy)} wrk run(s): {', '.join(busy)}." if busy
         else "No compile or test run was going on at the start or the end of any wrk run."))
PY
if [ -f "$tmp/perf-summary.md" ]; then
    echo
    echo "Profile of ferry serve under wrk (PERF=1: perf record -F 999 -g for 5 s, one extra run):"
    echo
    cat "$tmp/perf-summary.md"
fi

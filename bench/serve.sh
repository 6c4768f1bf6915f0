#!/usr/bin/env bash
# Requests per second for a site file, a p2 file, an npm packument and an npm tarball, served by
# Ferry and by nginx on the same machine.
#
#   RUNS=5 bash bench/serve.sh         (FERRY_BIN=path/to/ferry to skip the release build)
#   DURATION=10s CONNECTIONS=32 THREADS=2 are wrk's settings (defaults shown); PERF=1 adds a
#   perf profile of ferry serving the file.
#
# Deploys, with `ferry serve` (release build): a small static site whose index.html is 10,240
# bytes; a composer-repo of 50 plugins × 15 versions from a synthetic WordPress.org on loopback
# (bench/composer-upstream.py); an npm mirror of one package with three ~100 KB tarballs
# (bench/make-npm-storage.py). nginx serves the same bytes from a folder of copies (the site file
# and the p2 file from Ferry's live builds, the tarball from the storage, the packument as Ferry
# answers it), and both are checked to answer identical bytes and a 304 to their own ETag. Then
# RUNS rounds, alternating which server goes first in each round, of
#
#   wrk -t2 -c32 -d10s --latency URL
#
# for each document: 200 from Ferry and nginx, 304 (If-None-Match with each one's ETag) from
# Ferry and nginx; then RUNS runs each of two reference rows: Ferry's 404 for an unrouted path,
# nginx 200 of the site file with one worker process. Prints the medians (requests/s, latency
# p50 and p99) and the Ferry/nginx ratios as a Markdown table. Everything listens on 127.0.0.1;
# the temp dir and the servers go away at exit. wrk runs on the same 2 cores as the server it
# measures, for both servers alike.
#
# nginx settings, chosen to be a plain production-like static server and to be fair:
#   worker_processes auto (one per core: Ferry's event loops also use every core; the extra row
#   with worker_processes 1 shows nginx on one core), sendfile on, access_log off (Ferry keeps
#   no access log), keepalive_requests 1000000 (Ferry does not close kept-alive connections
#   after 1,000 requests; nginx's default would make wrk reconnect), open_file_cache off (the
#   default; Ferry keeps small answers in memory, which nginx's page-cache reads match closely).
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
UP_PID=""
cleanup() {
    stop_pid "$NGINX_PID"
    stop_pid "$UP_PID"
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
# A composer repository of 50 WordPress.org plugins with 15 versions each (a synthetic upstream
# on loopback) and an npm storage of one package with three ~100 KB tarballs.
up_port="$(free_port)"
python3 "$BENCH_ROOT/bench/composer-upstream.py" "$up_port" 50 15 >"$tmp/upstream.log" 2>&1 &
UP_PID=$!
wait_http "http://127.0.0.1:$up_port/svn/" 30 || die "the synthetic WordPress.org did not start"
python3 "$BENCH_ROOT/bench/make-npm-storage.py" "$tmp/storage" 3 102400

ferry_port="$(free_port)"
FERRY_EXTRA_CONFIG="volumes: { allow: [\"$tmp/storage\"] }" start_ferry "$tmp/data" "$ferry_port" "$tmp/ferry.log"
{ site_workload "$NAME" "$bare"; echo 'triggers: [ { kind: manual, action: deploy } ]'; } >"$tmp/workload.yaml"
cat >>"$tmp/workload.yaml" <<YAML
---
name: bench-p2
source:
  kind: composer-repo
  config:
    wordpress: { listing: true, api: "http://127.0.0.1:$up_port", downloads: "http://127.0.0.1:$up_port", svn: "http://127.0.0.1:$up_port/svn" }
---
name: bench-npm
source: { kind: npm-mirror, config: { storage: verdaccio, upstream: "http://127.0.0.1:9/" } }
volumes: [ { name: verdaccio, scope: absolute, path: "$tmp/storage" } ]
YAML
"$FERRY" apply -f "$tmp/workload.yaml" --server "$FERRY_URL" >/dev/null
# A new workload is deployed by the reconciler at once.
for workload in "$NAME" bench-p2 bench-npm; do
    wait_deployed "$workload" 120 || die "$workload was not deployed within 120 s of the apply"
done
index_file="$(live_file "$tmp/data" "$NAME" index.html)"
[ -f "$index_file" ] || die "no index.html in the live build after the deploy"
p2_path="p2/wp-plugin/plugin-00042.json"
p2_file="$(live_file "$tmp/data" bench-p2 "$p2_path")"
[ -f "$p2_file" ] || die "no $p2_path in bench-p2's live build"

# What nginx serves: the same bytes, as files in a folder of their own (the packument as Ferry
# answers it, since a registry rewrites the stored one).
peer="$tmp/peer"
mkdir -p "$peer/p2/wp-plugin"
cp "$index_file" "$peer/index.html"
cp "$p2_file" "$peer/$p2_path"
cp "$tmp/storage/bench-pkg/bench-pkg-1.0.0.tgz" "$peer/bench-pkg-1.0.0.tgz"
curl -fs "$FERRY_URL/npm/bench-npm/bench-pkg" -o "$peer/bench-pkg.json" || die "Ferry did not answer the packument"

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
        root $peer;
    }
}
CONF
    nginx -t -q -p "$tmp/nginx" -e "$tmp/nginx/logs/error.log" -c "$tmp/nginx/nginx.conf" || die "nginx rejected $tmp/nginx/nginx.conf"
    nginx -p "$tmp/nginx" -e "$tmp/nginx/logs/error.log" -c "$tmp/nginx/nginx.conf" &
    NGINX_PID=$!
    wait_http "http://127.0.0.1:$nginx_port/index.html" 10 || { cat "$tmp/nginx/logs/error.log" >&2; die "nginx did not start"; }
}
start_nginx auto

# The documents, each as "name|Ferry's URL|nginx's URL".
documents=(
    "site|$FERRY_URL/sites/$NAME/index.html|http://127.0.0.1:$nginx_port/index.html"
    "p2|$FERRY_URL/composer/bench-p2/$p2_path|http://127.0.0.1:$nginx_port/$p2_path"
    "packument|$FERRY_URL/npm/bench-npm/bench-pkg|http://127.0.0.1:$nginx_port/bench-pkg.json"
    "tarball|$FERRY_URL/npm/bench-npm/bench-pkg/-/bench-pkg-1.0.0.tgz|http://127.0.0.1:$nginx_port/bench-pkg-1.0.0.tgz"
)
nginx_url="http://127.0.0.1:$nginx_port/index.html"

# Same bytes from both, and each one's ETag for the 304 rows.
etag_of() { tr -d '\r' <"$1" | awk 'tolower($1) == "etag:" { print $2 }'; }
declare -A ETAG SIZE
for doc in "${documents[@]}"; do
    IFS='|' read -r name ferry_doc nginx_doc <<<"$doc"
    curl -fs "$ferry_doc" -o "$tmp/$name.ferry" -D "$tmp/$name.ferry.headers" || die "Ferry did not answer $ferry_doc"
    curl -fs "$nginx_doc" -o "$tmp/$name.nginx" -D "$tmp/$name.nginx.headers" || die "nginx did not answer $nginx_doc"
    cmp -s "$tmp/$name.ferry" "$tmp/$name.nginx" || die "Ferry and nginx serve different bytes for the $name"
    ETAG[ferry-$name]="$(etag_of "$tmp/$name.ferry.headers")"
    ETAG[nginx-$name]="$(etag_of "$tmp/$name.nginx.headers")"
    [ -n "${ETAG[ferry-$name]}" ] && [ -n "${ETAG[nginx-$name]}" ] || die "no ETag for the $name from Ferry or nginx"
    for pair in "$ferry_doc|${ETAG[ferry-$name]}" "$nginx_doc|${ETAG[nginx-$name]}"; do
        code="$(curl -s -o /dev/null -w '%{http_code}' -H "If-None-Match: ${pair#*|}" "${pair%|*}")"
        [ "$code" = 304 ] || die "${pair%|*} answered $code, not 304, to If-None-Match: ${pair#*|}"
    done
    SIZE[$name]="$(wc -c <"$tmp/$name.ferry")"
    note "$name: ${SIZE[$name]} bytes, the same from Ferry and nginx"
done
cmp -s "$tmp/site.ferry" "$index_file" || die "Ferry's index.html differs from the build's"
ferry_url="$FERRY_URL/sites/$NAME/index.html"
size="${SIZE[site]}"
sizes="site ${SIZE[site]}, p2 ${SIZE[p2]}, packument ${SIZE[packument]}, tarball ${SIZE[tarball]}"

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

note "$RUNS rounds of wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency over ${#documents[@]} documents; about $((RUNS * 4 * ${#documents[@]} * ${DURATION%s} / 60 + 1)) minutes"
for ((i = 1; i <= RUNS; i++)); do
    for doc in "${documents[@]}"; do
        IFS='|' read -r name ferry_doc nginx_doc <<<"$doc"
        order=(ferry nginx)
        ((i % 2)) || order=(nginx ferry)
        for status in 200 304; do
            for server in "${order[@]}"; do
                url="$ferry_doc"
                [ "$server" = nginx ] && url="$nginx_doc"
                if [ "$status" = 200 ]; then
                    bench "$server-$name-200" "$i" "$url"
                else
                    bench "$server-$name-304" "$i" "$url" "If-None-Match: ${ETAG[$server-$name]}"
                fi
            done
        done
    done
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
python3 - "$tmp/wrk" "$RUNS" "$sizes" "wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency" "$ferry_rss" "$nginx_rss" "$tmp/busy.txt" <<'PY'
import os, re, statistics, sys
folder, runs, sizes, command, ferry_rss, nginx_rss, busy_file = sys.argv[1:8]
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

size = dict(zip(sizes.replace(",", "").split()[0::2], sizes.replace(",", "").split()[1::2]))
what = {"site": "10 KB site file (`/sites/bench-serve/index.html`)", "p2": "p2 file (`/composer/bench-p2/p2/wp-plugin/plugin-00042.json`)",
        "packument": "npm packument (`/npm/bench-npm/bench-pkg`)", "tarball": "npm tarball (`/npm/bench-npm/bench-pkg/-/bench-pkg-1.0.0.tgz`)"}
rows = []
for doc in ("site", "p2", "packument", "tarball"):
    for status, how in (("200", ""), ("304", ", `If-None-Match` with the ETag")):
        rows.append((f"Ferry, {status}, {what[doc]}, {int(size[doc]):,} bytes{how}", f"ferry-{doc}-{status}", f"nginx-{doc}-{status}"))
        rows.append((f"nginx, {status}, the same bytes{how}, worker_processes auto (2)", f"nginx-{doc}-{status}", None))
rows += [("Ferry, 404 for a path no route matches (reference: HTTP server + error middleware only)", "ferry-floor", None),
         ("nginx, 200 of the site file, worker_processes 1 (reference)", "nginx1-200", None)]
print(f"### Requests/s for a site file, a p2 file, an npm packument and tarball: Ferry next to nginx (`{command}`, median of {runs} runs)")
print()
print("| server, response | requests/s (median) | min – max | latency p50 | latency p99 | Ferry / nginx | p99 Ferry / nginx |")
print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
for title, label, peer in rows:
    if label not in results:
        continue
    rps = [r["rps"] for r in results[label]]
    ratio = f"{med(label, 'rps') / med(peer, 'rps'):.2f}" if peer else ""
    p99 = f"{med(label, 'p99') / med(peer, 'p99'):.1f}×" if peer else ""
    print(f"| {title} | {med(label, 'rps'):,.0f} | {min(rps):,.0f} – {max(rps):,.0f} | "
          f"{med(label, 'p50'):.2f} ms | {med(label, 'p99'):.2f} ms | {ratio} | {p99} |")
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

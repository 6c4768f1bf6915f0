#!/usr/bin/env bash
# composer-repo proxy mode (issue 17): what Ferry's lazy mirror costs a Composer user.
#
#   bash bench/composer-proxy.sh      RUNS=5 DURATION=10s LATENCY_MS=50 DEPS=30 TTL=5m
#                                     (FERRY_BIN=path/to/ferry to skip the release build;
#                                     BENCH_TMP=DIR for the temp dir, default /tmp; KEEP_TMP=1 keeps it;
#                                     IDLE_WAIT=seconds to wait for other compiles, default 900;
#                                     AUDIT=0 adds --no-audit; COMPOSER_CURL=0 keeps PHP's streams;
#                                     HYPERFINE=0 times in bash even when hyperfine is installed)
#
# The upstream is bench/composer-proxy-upstream.py on 127.0.0.1: a Composer v2 repository
# (packages.json with metadata-url, minified p2 files with ETags, zip dists with their sha1,
# the advisories API) holding acme/app and DEPS dependencies acme/dep01..depNN in a tree three
# levels deep, each package in 3 versions. Every request waits LATENCY_MS before it is answered,
# standing in for a remote upstream (answered in parallel, one thread per request).
#
# 1. Cold `composer require acme/app` (installs 1 + DEPS packages), RUNS times each:
#      direct: the project's only repository is the upstream (packagist.org disabled);
#      proxy:  the project's only repository is /composer/<workload> on Ferry, a proxy-only
#              composer-repo workload: proxy: [{ url: UPSTREAM, packages: ["acme/*"], ttl: TTL }].
#    Every run is cold: a fresh project dir and a fresh COMPOSER_HOME / COMPOSER_CACHE_DIR, and
#    for proxy a newly applied and deployed workload (bench-proxy-N: new state dir, so Ferry's
#    proxy cache, in memory and on disk, is empty). Preparing is not timed. Timed with
#    hyperfine (-N, --prepare per command) when installed, else by `date` around composer, in
#    alternating rounds. Composer runs with PHP's curl extension (parallel downloads, as any
#    real install has it); when php-curl is not installed, its curl.so is taken from
#    `apt-get download php<ver>-curl` into the temp dir and loaded with `php -d extension=`,
#    so the system's PHP is left as it is.
# 2. Proxy cache hits: after the cold runs, the last workload's cached p2 file of acme/app and
#    the dist of its newest version are requested with `wrk -t2 -c32 -d$DURATION --latency`
#    through Ferry, then from nginx serving the very same bytes (copied from Ferry's
#    state/proxy/ into a temp root at the same paths), RUNS rounds, order alternating.
#    The upstream's request counter must stay at 0 during these runs (else: cache misses).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

for tool in curl python3 nginx wrk php composer; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool is missing; 'make bench' installs nginx, wrk and hyperfine ('make test-deps' composer and php-cli)"
done
DURATION="${DURATION:-10s}"
LATENCY_MS="${LATENCY_MS:-50}"
DEPS="${DEPS:-30}"
TTL="${TTL:-5m}"
AUDIT="${AUDIT:-1}"
[[ "$LATENCY_MS$DEPS" =~ ^[0-9]+$ ]] || die "LATENCY_MS and DEPS must be numbers"
[ "$DEPS" -ge 1 ] && [ "$DEPS" -le 99 ] || die "DEPS must be between 1 and 99"
[[ "$DURATION" =~ ^[0-9]+[smh]?$ ]] || die "DURATION must look like 10s"
FERRY="$(ferry_release_bin)"
COMPOSER_BIN="$(command -v composer)"

tmp="$(mktemp -d "${BENCH_TMP:-/tmp}/ferry-bench-composer-proxy.XXXXXX")"
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

# --- the upstream and Ferry ----------------------------------------------------------------------
up_port="$(free_port)"
python3 "$BENCH_ROOT/bench/composer-proxy-upstream.py" "$up_port" "$LATENCY_MS" "$DEPS" &
UP_PID=$!
UP="http://127.0.0.1:$up_port"
wait_http "$UP/control/stats" 30 || die "the synthetic upstream did not start"

# The reconcile loop is off: only the deploys below run (it would deploy each new workload on
# its own, in the middle of a timed run). No API tokens (auth mode none, loopback only), so the
# CLI calls below need none.
ferry_port="$(free_port)"
printf 'reconcile: false\nauth:\n  mode: none\n' >"$tmp/ferry.yaml"
"$FERRY" serve --config "$tmp/ferry.yaml" --data "$tmp/data" --listen "127.0.0.1:$ferry_port" >"$tmp/ferry.log" 2>&1 &
FERRY_PID=$!
FERRY_URL="http://127.0.0.1:$ferry_port"
wait_http "$FERRY_URL/api/health" 30 || { tail -20 "$tmp/ferry.log" >&2; die "ferry serve did not answer on $FERRY_URL within 30 s"; }

# --- PHP with curl (Composer's parallel downloads) -----------------------------------------------
php_cmd=(php)
if [ "${COMPOSER_CURL:-1}" = 0 ]; then
    curl_note="PHP streams, one request at a time (COMPOSER_CURL=0)"
elif php -m 2>/dev/null | grep -qx curl; then
    curl_note="PHP's curl extension (installed), parallel downloads"
else
    so="${PHP_CURL_SO:-}"
    if [ -z "$so" ]; then
        phpver="$(php -r 'echo PHP_MAJOR_VERSION, ".", PHP_MINOR_VERSION;')"
        mkdir -p "$tmp/php-curl"
        if (cd "$tmp/php-curl" && apt-get download "php$phpver-curl" >/dev/null 2>&1 && dpkg-deb -x php*-curl_*.deb x); then
            so="$(find "$tmp/php-curl/x" -name curl.so | head -1)"
        fi
    fi
    if [ -n "$so" ] && php -d "extension=$so" -m 2>/dev/null | grep -qx curl; then
        php_cmd=(php -d "extension=$so")
        curl_note="PHP's curl extension (php-curl not installed: curl.so from apt-get download, loaded with php -d extension=), parallel downloads"
    else
        curl_note="PHP streams, one request at a time: php-curl is missing and could not be fetched (real installs have it: the figures are pessimistic)"
        note "$curl_note"
    fi
fi
note "composer runs with $curl_note"
composer_flags=(require acme/app --no-interaction --no-progress)
[ "$AUDIT" = 0 ] && composer_flags+=(--no-audit)
composer_cmd=(env "COMPOSER_HOME=$tmp/run/home" "COMPOSER_CACHE_DIR=$tmp/run/home/cache" COMPOSER_ALLOW_SUPERUSER=1
    "${php_cmd[@]}" "$COMPOSER_BIN" "${composer_flags[@]}" -d "$tmp/run/project")

# --- the preparation of one cold run (a script, so hyperfine can run it too) ---------------------
# prepare.sh direct|proxy: files away the upstream's counters of the run before (and checks that
# run installed everything), then empties the project and Composer's home and cache; for proxy
# it applies and deploys a new workload first. prepare.sh finish: files away the last run's.
cat >"$tmp/prepare.sh" <<SH
set -euo pipefail
tmp="$tmp"; UP="$UP"; FERRY="$FERRY"; FERRY_URL="$FERRY_URL"; DEPS=$DEPS; TTL="$TTL"
SH
cat >>"$tmp/prepare.sh" <<'SH'
if [ -f "$tmp/pending" ]; then
    mode="$(cat "$tmp/pending")"
    installed="$(find "$tmp/run/project/vendor/acme" -mindepth 1 -maxdepth 1 -type d 2>/dev/null | wc -l)"
    [ "$installed" -eq $((DEPS + 1)) ] || { echo "prepare: the $mode run installed $installed of $((DEPS + 1)) packages" >&2; exit 1; }
    echo "$mode $(curl -fs "$UP/control/stats")" >>"$tmp/stats.log"
    curl -fs "$UP/control/log" >"$tmp/upstream-log-$(wc -l <"$tmp/stats.log")-$mode.json"
    rm -f "$tmp/pending"
fi
[ "$1" = finish ] && exit 0
rm -rf "$tmp/run"
mkdir -p "$tmp/run/project" "$tmp/run/home/cache"
if [ "$1" = proxy ]; then
    n=$(( $(cat "$tmp/counter" 2>/dev/null || echo 0) + 1 ))
    echo "$n" >"$tmp/counter"
    name="bench-proxy-$n"
    cat >"$tmp/workload-$n.yaml" <<YAML
name: $name
source:
  kind: composer-repo
  config:
    proxy:
      - { url: "$UP", packages: ["acme/*"], ttl: "$TTL" }
YAML
    "$FERRY" apply -f "$tmp/workload-$n.yaml" --server "$FERRY_URL" >"$tmp/apply-$n.log" 2>&1 || { cat "$tmp/apply-$n.log" >&2; exit 1; }
    "$FERRY" run "$name" deploy --wait --server "$FERRY_URL" >"$tmp/deploy-$n.log" 2>&1 || { tail -20 "$tmp/deploy-$n.log" >&2; exit 1; }
    echo "$name" >"$tmp/workload"
    repo="$FERRY_URL/composer/$name"
else
    repo="$UP"
fi
cat >"$tmp/run/project/composer.json" <<JSON
{
  "name": "bench/project",
  "repositories": [{"type": "composer", "url": "$repo"}, {"packagist.org": false}],
  "config": {"secure-http": false, "allow-plugins": false}
}
JSON
curl -fs -X POST "$UP/control/reset" >/dev/null
echo "$1" >"$tmp/pending"
SH

# --- 1. cold composer require --------------------------------------------------------------------
note "cold composer require acme/app ($((DEPS + 1)) packages), $RUNS run(s) each, direct and through Ferry; upstream latency ${LATENCY_MS} ms"
wait_idle
idle_cold="$(busy_report)"
direct_times=(); proxy_times=()
if [ "${HYPERFINE:-1}" != 0 ] && command -v hyperfine >/dev/null 2>&1; then
    timer="hyperfine $(hyperfine --version | cut -d' ' -f2) (-N, --runs $RUNS, --prepare per command; preparing is not timed)"
    hyperfine -N --runs "$RUNS" --export-json "$tmp/hyperfine.json" --output "$tmp/composer-last.log" \
        -n direct --prepare "bash $tmp/prepare.sh direct" "${composer_cmd[*]}" \
        -n proxy --prepare "bash $tmp/prepare.sh proxy" "${composer_cmd[*]}" >"$tmp/hyperfine.txt" 2>&1 \
        || { tail -n 30 "$tmp/hyperfine.txt" "$tmp/composer-last.log" >&2 2>/dev/null || true; die "hyperfine failed (composer or a preparation failed)"; }
    bash "$tmp/prepare.sh" finish
    read -r -a direct_times <<<"$(python3 -c 'import json,sys; print(" ".join(f"{t:.3f}" for t in json.load(open(sys.argv[1]))["results"][0]["times"]))' "$tmp/hyperfine.json")"
    read -r -a proxy_times <<<"$(python3 -c 'import json,sys; print(" ".join(f"{t:.3f}" for t in json.load(open(sys.argv[1]))["results"][1]["times"]))' "$tmp/hyperfine.json")"
else
    timer="date +%s.%N around composer in bash (hyperfine not installed, or HYPERFINE=0), rounds alternate direct / proxy"
    timed_composer() {
        local start end
        bash "$tmp/prepare.sh" "$1"
        start="$(now)"
        "${composer_cmd[@]}" >"$tmp/composer-$1.log" 2>&1 || { tail -30 "$tmp/composer-$1.log" >&2; die "composer require ($1) failed"; }
        end="$(now)"
        python3 -c "print(f'{$end - $start:.3f}')"
    }
    for ((r = 1; r <= RUNS; r++)); do
        direct_times+=("$(timed_composer direct)")
        proxy_times+=("$(timed_composer proxy)")
    done
    bash "$tmp/prepare.sh" finish
fi
is_idle && idle_cold_after="idle" || idle_cold_after="NOT idle"
read -r direct_med direct_min direct_max <<<"$(stats "${direct_times[@]}")"
read -r proxy_med proxy_min proxy_max <<<"$(stats "${proxy_times[@]}")"
cold_ratio="$(python3 -c "print(f'{$proxy_med / $direct_med:.2f}')")"

# The upstream's counters per cold run, summed up per mode: "requests (kinds), max in flight".
upstream_summary() {
    python3 - "$tmp/stats.log" "$1" <<'PY'
import glob, json, statistics, sys
runs = [json.loads(line.split(" ", 1)[1]) for line in open(sys.argv[1]) if line.split(" ", 1)[0] == sys.argv[2]]
med = lambda k: statistics.median(r[k] for r in runs)
fmt = lambda v: f"{v:g}"
kinds = ", ".join(f"{k} {fmt(med(k))}" for k in ("packages.json", "p2", "p2-dev", "dist", "advisories", "other", "not-modified") if med(k))
# From the request logs: the first request's start to the last answer, as the upstream saw it.
logs = sorted(glob.glob(f"{sys.argv[1].rsplit('/', 1)[0]}/upstream-log-*-{sys.argv[2]}.json"))
spans = [max(r[1] for r in log) - min(r[0] for r in log) for log in map(lambda f: json.load(open(f)), logs) if log]
span = f"; upstream busy {statistics.median(spans):.3f} s (first request to last answer, median)" if spans else ""
print(f"{fmt(med('total'))} requests ({kinds}); at most {max(r['max_inflight'] for r in runs)} in flight at once"
      f" (per run: {' '.join(str(r['max_inflight']) for r in runs)}){span}")
PY
}
up_direct="$(upstream_summary direct)"
up_proxy="$(upstream_summary proxy)"
lock_host="$(python3 -c 'import json,sys; print(sorted({p["dist"]["url"].split("/")[2] for p in json.load(open(sys.argv[1]))["packages"]}))' "$tmp/run/project/composer.lock")"

# --- 2. cache hits: Ferry next to nginx ----------------------------------------------------------
WL="$(cat "$tmp/workload")"
state="$tmp/data/workloads/$WL/state/proxy"
p2_path="p2/acme/app.json"
p2_url="$FERRY_URL/composer/$WL/$p2_path"
dist_url="$(curl -fs "$p2_url" | python3 -c 'import json,sys; print(json.load(sys.stdin)["packages"]["acme/app"][0]["dist"]["url"])')"
[[ "$dist_url" == "$FERRY_URL/composer/$WL/proxy/dists/"* ]] || die "the dist URL in Ferry's p2 file is not Ferry's: $dist_url"
dist_path="${dist_url#"$FERRY_URL/composer/$WL/"}"
p2_file="$(find "$state" -path "*/$p2_path" -type f | head -1)"
dist_file="$state/${dist_path#proxy/}"
[ -f "$p2_file" ] || die "no cached $p2_path under $state"
[ -f "$dist_file" ] || die "the dist $dist_path is not in Ferry's proxy cache ($dist_file)"

nginx_port="$(free_port)"
NGINX_URL="http://127.0.0.1:$nginx_port"
mkdir -p "$tmp/nginx/logs" "$tmp/nginx/temp" "$tmp/nginx/root/$(dirname "$p2_path")" "$tmp/nginx/root/$(dirname "$dist_path")"
cp "$p2_file" "$tmp/nginx/root/$p2_path"
cp "$dist_file" "$tmp/nginx/root/$dist_path"
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
    tcp_nopush on;
    keepalive_requests 1000000;
    keepalive_timeout 65;
    client_body_temp_path $tmp/nginx/temp;
    server { listen 127.0.0.1:$nginx_port; root $tmp/nginx/root; }
}
CONF
nginx -c "$tmp/nginx/nginx.conf" -p "$tmp/nginx" &
NGINX_PID=$!
wait_http "$NGINX_URL/$p2_path" 10 || die "nginx did not start"

note "cache hits: wrk -t2 -c32 -d$DURATION, $RUNS round(s) of p2 and dist, Ferry and nginx"
wait_idle
idle_hit="$(busy_report)"
# Both are hits already (composer fetched both in the last cold run): the upstream hears nothing
# (unless waiting for an idle machine took longer than the ttl: then one revalidation, a 304).
curl -fs -X POST "$UP/control/reset" >/dev/null
for path in "$p2_path" "$dist_path"; do
    cmp -s <(curl -fs "$FERRY_URL/composer/$WL/$path") <(curl -fs "$NGINX_URL/$path") || die "Ferry and nginx answer different bytes for $path"
    curl -fs -D - -o /dev/null "$FERRY_URL/composer/$WL/$path" | grep -qi '^x-ferry-stale' && die "Ferry answers $path as stale"
done
before_wrk="$(curl -fs "$UP/control/stats" | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')"
curl -fs -X POST "$UP/control/reset" >/dev/null

# wrk_run NAME URL: one wrk run; appends "NAME rps p50 p99 non2xx errors" to wrk.tsv.
wrk_run() {
    local out="$tmp/wrk-$1-$RANDOM.txt"
    wrk -t2 -c32 -d"$DURATION" --latency "$2" >"$out" 2>&1 || { cat "$out" >&2; die "wrk failed against $2"; }
    python3 - "$1" "$out" >>"$tmp/wrk.tsv" <<'PY'
import re, sys
text = open(sys.argv[2]).read()
ms = lambda v, u: float(v) * {"us": 0.001, "ms": 1, "s": 1000}[u]
rps = re.search(r"^Requests/sec:\s+([\d.]+)", text, re.M).group(1)
lat = {m.group(1): ms(m.group(2), m.group(3)) for m in re.finditer(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", text, re.M)}
non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
errors = re.search(r"Socket errors:.*", text)
print(sys.argv[1], rps, lat.get("50", 0), lat.get("99", 0), non2xx.group(1) if non2xx else 0, "1" if errors else "0")
PY
}
: >"$tmp/wrk.tsv"
for ((r = 1; r <= RUNS; r++)); do
    if ((r % 2)); then order=(ferry nginx); else order=(nginx ferry); fi
    for server in "${order[@]}"; do
        if [ "$server" = ferry ]; then base="$FERRY_URL/composer/$WL"; else base="$NGINX_URL"; fi
        wrk_run "$server-p2" "$base/$p2_path"
        wrk_run "$server-dist" "$base/$dist_path"
    done
done
is_idle && idle_hit_after="idle" || idle_hit_after="NOT idle"
upstream_during_wrk="$(curl -fs "$UP/control/stats" | python3 -c 'import json,sys; s = json.load(sys.stdin); print(s["total"] if not s["total"] else f"{s['total']} (" + ", ".join(f"{k} {v}" for k, v in s.items() if v and k not in ("total", "inflight", "max_inflight")) + ")")')"
ferry_rss="$(peak_rss "$FERRY_PID")"
ferry_errors="$(grep -ci 'error' "$tmp/ferry.log" || true)"

# row NAME: "median|min – max|p50|p99|per run" of one wrk series.
row() {
    python3 - "$tmp/wrk.tsv" "$1" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1]) if l.split()[0] == sys.argv[2]]
rps = [float(r[1]) for r in rows]
p50 = statistics.median(float(r[2]) for r in rows)
p99 = statistics.median(float(r[3]) for r in rows)
print(f"{statistics.median(rps):,.0f}|{min(rps):,.0f} – {max(rps):,.0f}|{p50:.2f} ms|{p99:.2f} ms|{' '.join(f'{v:.0f}' for v in rps)}")
PY
}
median_rps() { python3 - "$tmp/wrk.tsv" "$1" <<'PY'
import statistics, sys
print(statistics.median(float(l.split()[1]) for l in open(sys.argv[1]) if l.split()[0] == sys.argv[2]))
PY
}
IFS='|' read -r fp2_med fp2_range fp2_p50 fp2_p99 fp2_runs <<<"$(row ferry-p2)"
IFS='|' read -r np2_med np2_range np2_p50 np2_p99 np2_runs <<<"$(row nginx-p2)"
IFS='|' read -r fd_med fd_range fd_p50 fd_p99 fd_runs <<<"$(row ferry-dist)"
IFS='|' read -r nd_med nd_range nd_p50 nd_p99 nd_runs <<<"$(row nginx-dist)"
p2_ratio="$(python3 -c "print(f'{$(median_rps ferry-p2) / $(median_rps nginx-p2):.2f}')")"
dist_ratio="$(python3 -c "print(f'{$(median_rps ferry-dist) / $(median_rps nginx-dist):.2f}')")"
bad_wrk="$(awk '$5 > 0 || $6 > 0 { n++ } END { print n + 0 }' "$tmp/wrk.tsv")"
verdict() { python3 -c "print('meets' if $1 else 'misses')"; }

# --- the report ----------------------------------------------------------------------------------
case "$FERRY" in
    */debug/*) build="DEBUG build ($FERRY): these figures are not to be recorded" ;;
    *) build="release build ($FERRY)" ;;
esac
changed="$(git -C "$BENCH_ROOT" status --porcelain -- Sources Plugins Package.swift 2>/dev/null | wc -l)"
tree="commit $(git -C "$BENCH_ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')"
[ "$changed" -gt 0 ] && tree="$tree + uncommitted changes to $changed file(s) under Sources/, Plugins/, Package.swift"
cpu="$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
p2_size="$(stat -c %s "$p2_file")"
dist_size="$(stat -c %s "$dist_file")"

cat <<MD

## composer-repo proxy mode: cold install and cache hits (bench/composer-proxy.sh)

* command: \`$(env | grep -E '^(FERRY_BIN|RUNS|DURATION|LATENCY_MS|DEPS|TTL|AUDIT|COMPOSER_CURL|HYPERFINE|BENCH_TMP|IDLE_WAIT)=' | sort | tr '\n' ' ')bash bench/composer-proxy.sh\` (RUNS=$RUNS DURATION=$DURATION LATENCY_MS=$LATENCY_MS DEPS=$DEPS TTL=$TTL)
* date: $(date -u)
* machine: $(nproc) CPUs ($cpu), $(free -h | awk '/^Mem:/ { print $2 }') RAM, Linux $(uname -r)
* ferry: $build, $tree
* $(composer --version 2>/dev/null | head -1 | cut -d' ' -f1-3), $(php -r 'echo "PHP ", PHP_VERSION;'), with $curl_note; $(nginx -v 2>&1 | cut -d' ' -f3); $(wrk --version 2>&1 | head -1 | cut -d' ' -f1-2)
* upstream: bench/composer-proxy-upstream.py on 127.0.0.1, ${LATENCY_MS} ms added to every request; acme/app + $DEPS dependencies (tree: app → 6 → 4 each), 3 versions each, minified p2 with shasum
* before the cold runs: $idle_cold (after them: $idle_cold_after); before the wrk runs: $idle_hit (after them: $idle_hit_after)

Cold \`composer require acme/app\` ($((DEPS + 1)) packages installed; fresh project, COMPOSER_HOME and cache, and for the proxy a newly applied workload each run), timed with $timer:

| repository | wall time, median of $RUNS | min – max | per run (s) | upstream requests per run (median), concurrency |
| --- | ---: | ---: | --- | --- |
| direct: the upstream itself | **${direct_med} s** | ${direct_min} – ${direct_max} s | ${direct_times[*]} | $up_direct |
| through Ferry's proxy (\`/composer/bench-proxy-N\`, ttl $TTL) | **${proxy_med} s** | ${proxy_min} – ${proxy_max} s | ${proxy_times[*]} | $up_proxy |
| **proxy / direct** (target ≤ 1.5) | **${cold_ratio}** ($(verdict "$cold_ratio <= 1.5")) | | | |

* dist hosts in the proxy run's composer.lock: $lock_host (Ferry's, never the upstream's)

Proxy cache hits, \`wrk -t2 -c32 -d$DURATION --latency\`, $RUNS round(s) (order alternating); nginx serves the bytes Ferry cached, copied from \`state/proxy/\` to the same paths (worker_processes auto, sendfile, access log off); the script checked both answer the same bytes:

| URL | server | requests/s (median) | min – max | latency p50 | latency p99 | per run | Ferry / nginx (target ≥ 0.7) |
| --- | --- | ---: | ---: | ---: | ---: | --- | ---: |
| p2 \`$p2_path\` ($p2_size bytes) | Ferry | **$fp2_med** | $fp2_range | $fp2_p50 | $fp2_p99 | $fp2_runs | **$p2_ratio** ($(verdict "$p2_ratio >= 0.7")) |
| | nginx | $np2_med | $np2_range | $np2_p50 | $np2_p99 | $np2_runs | |
| dist \`${dist_path}\` ($dist_size bytes) | Ferry | **$fd_med** | $fd_range | $fd_p50 | $fd_p99 | $fd_runs | **$dist_ratio** ($(verdict "$dist_ratio >= 0.7")) |
| | nginx | $nd_med | $nd_range | $nd_p50 | $nd_p99 | $nd_runs | |

* upstream requests while the cache was hit: $before_wrk for the checks before wrk, ${upstream_during_wrk} during all wrk runs (0 = every request a hit)
* wrk runs with non-2xx answers or socket errors: $bad_wrk of $((RUNS * 4)); ferry serve peak RSS: $ferry_rss; lines with "error" in its log: $ferry_errors
MD

#!/usr/bin/env bash
# Git-push webhooks: deliveries accepted per second (each committed to the store before the 202)
# at 16 and 64 connections with the latency of the 202, next to the peer (SQLite committing one
# transaction per event on the same disk), and push-to-live time of a small site through a
# signed webhook.
#
#   RUNS=5 bash bench/webhooks.sh      (FERRY_BIN=path/to/ferry to skip the release build;
#                                       RESULTS=path appends the section there, default
#                                       bench/RESULTS.md; RESULTS=- only prints it;
#                                       DURATION=10s per wrk run, CONNECTIONS="16 64",
#                                       SITE_FILES=N: a site of N files, default 3)
#
# Waits (checking every 20 s, at most IDLE_WAIT seconds, default 900 = 15 minutes) until no other benchmark (wrk, nginx workers)
# and no compile (swift-build, swift-frontend) is running, then builds `ferry` in release mode (a
# no-op when it is up to date), makes a bare repository hub.git with a 3-file site and a work
# clone that pushes to it, starts `ferry serve` on a free port of 127.0.0.1 with its data in a
# temp dir, applies a static-site workload for hub.git (folder public) and creates a git-push
# binding `bench-hook` that deploys it. Then:
#
# 1. throughput, RUNS times at each of CONNECTIONS: wrk -t2 -cN -d10s --latency -s hook.lua http://127.0.0.1:PORT/hooks/bench-hook;
#    then the peer, RUNS times: python3 bench/sqlite-one-tx.py (one-row transactions, WAL, FULL sync)
#    hook.lua POSTs one fixed GitHub push body (branch main, the head commit), signed once with
#    HMAC-SHA256 (X-Hub-Signature-256), with a new X-GitHub-Delivery per request: every request
#    is a new delivery that is stored as an event (and coalesces into the queued deploy job),
#    never a duplicate. Reported: median requests/s, p50 and p99 latency, non-2xx responses,
#    events and jobs in the store afterwards (sqlite3).
# 2. push-to-live, RUNS times: change public/index.html, commit; t0; git push to hub.git; POST
#    the signed webhook naming the new commit (curl); poll /sites/<name>/ until it serves the new
#    content: t1. push-to-live = t1 - t0.
#
# Everything talks to 127.0.0.1 only; every wait is bounded; the server, wrk and the temp dir go
# away at exit, however the script ends.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$BENCH_ROOT"

for tool in git curl python3 wrk openssl; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool is missing (make bench installs wrk)"
done
NAME=bench-hooks
BINDING=bench-hook
CONNECTIONS=(${CONNECTIONS:-16 64})
WRK_ARGS=(-t2 "-d${DURATION:-10s}" --latency)
RESULTS="${RESULTS:-$BENCH_ROOT/bench/RESULTS.md}"

tmp="$(mktemp -d /tmp/ferry-bench-webhooks.XXXXXX)"
FERRY_PID=""
WRK_PID=""
cleanup() {
    if [ -n "$WRK_PID" ]; then stop_pid "$WRK_PID"; fi
    stop_pid "$FERRY_PID"
    if [ -n "${KEEP_TMP:-}" ]; then note "kept $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- 0. an idle machine --------------------------------------------------------------------------
others() { pgrep -fa 'wrk|nginx: worker|swift-build|swift-frontend' 2>/dev/null | grep -v -e pgrep || true; }
idle_note="machine idle (no wrk, nginx worker, swift-build or swift-frontend running)"
for ((waited = 0; ; waited += 20)); do
    busy="$(others)"
    [ -z "$busy" ] && break
    if [ "$waited" -ge "${IDLE_WAIT:-900}" ]; then
        idle_note="machine NOT idle: still running after ${waited}s of waiting: $(echo "$busy" | awk '{ print $2 }' | sort | uniq -c | awk '{ printf "%s%s x%s", sep, $2, $1; sep = ", " }')"
        note "$idle_note; measuring anyway"
        break
    fi
    note "waiting for other benchmarks/compiles to end ($(echo "$busy" | wc -l) process(es)), ${waited}s so far"
    sleep 20
done
[ "$waited" -gt 0 ] && [[ "$idle_note" == machine\ idle* ]] && idle_note="$idle_note, after waiting ${waited}s"

FERRY="$(ferry_release_bin)"
[ -x "$FERRY" ] || die "no release binary at $FERRY"

# --- 1. the site, the server, the workload, the binding ----------------------------------------
hub="$tmp/hub.git"
work="$tmp/work"
new_site_repo "$hub" "$work"
mkdir -p "$work/public"
echo "<!doctype html><title>bench</title><p>version 0</p>" >"$work/public/index.html"
echo "body { font-family: sans-serif }" >"$work/public/style.css"
echo "<!doctype html><title>about</title><p>about</p>" >"$work/public/about.html"
# SITE_FILES (default 3): more pages, so push-to-live is measured on a site of that many files
# with one of them changed per push.
SITE_FILES="${SITE_FILES:-3}"
if [ "$SITE_FILES" -gt 3 ]; then
    mkdir -p "$work/public/pages"
    for ((n = 3; n < SITE_FILES; n++)); do echo "<!doctype html><title>page $n</title><p>page $n</p>" >"$work/public/pages/page-$n.html"; done
fi
commit_and_push "$work" "A small site"

port="$(free_port)"
start_ferry "$tmp/data" "$port" "$tmp/ferry.log"
site_workload "$NAME" "$hub" >"$tmp/workload.yaml"
"$FERRY" apply -f "$tmp/workload.yaml" --server "$FERRY_URL" >/dev/null
wait_deployed "$NAME" 60 || die "$NAME was not deployed within 60 s of the apply"

curl -fsS -X POST -H 'Content-Type: application/json' \
    -d "{\"id\":\"$BINDING\",\"kind\":\"git-push\",\"workloads\":[{\"name\":\"$NAME\",\"action\":\"deploy\"}]}" \
    "$FERRY_URL/api/bindings" >"$tmp/binding.json" || die "POST /api/bindings failed"
read -r SECRET HOOK_URL < <(python3 -c '
import json, sys
b = json.load(open(sys.argv[1]))
print(b.get("secret") or "", b.get("hookURL") or "")' "$tmp/binding.json")
[ -n "$SECRET" ] || die "the binding answer has no secret: $(cat "$tmp/binding.json")"
HOOK="$FERRY_URL/hooks/$BINDING"
[ "${HOOK_URL%/}" = "$HOOK" ] || note "binding hookURL is $HOOK_URL; posting to $HOOK"

# push_body FILE COMMIT BEFORE: a GitHub push body for branch main naming COMMIT.
push_body() {
    python3 - "$1" "$2" "$3" "file://$hub" <<'PY'
import json, sys
out, after, before, url = sys.argv[1:]
body = {
    "ref": "refs/heads/main", "before": before, "after": after, "created": False, "deleted": False,
    "forced": False, "compare": "", "pusher": {"name": "bench", "email": "bench@localhost"},
    "repository": {"name": "hub", "full_name": "bench/hub", "clone_url": url},
    "head_commit": {"id": after, "message": "bench", "added": [], "removed": [], "modified": ["public/index.html"]},
    "commits": [{"id": after, "message": "bench", "added": [], "removed": [], "modified": ["public/index.html"]}],
}
open(out, "w").write(json.dumps(body, separators=(",", ":")))
PY
}
sign() { openssl dgst -sha256 -hmac "$SECRET" -r "$1" | cut -d' ' -f1; }

# sql QUERY: sqlite3 on the store, or "?" when sqlite3 is missing.
sql() {
    if command -v sqlite3 >/dev/null 2>&1; then sqlite3 "$tmp/data/ferry.sqlite" "$1"; else echo "?"; fi
}

# --- 2. throughput -----------------------------------------------------------------------------
head="$(g -C "$work" rev-parse HEAD)"
push_body "$tmp/body.json" "$head" "$(printf '0%.0s' {1..40})"
sig="$(sign "$tmp/body.json")"
# A signed, correct delivery answers 202 before the benchmark starts.
code="$(curl -s -o "$tmp/probe.json" -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
    -H 'X-GitHub-Event: push' -H "X-GitHub-Delivery: probe-$$" -H "X-Hub-Signature-256: sha256=$sig" \
    --data-binary @"$tmp/body.json" "$HOOK")"
[ "$code" = 202 ] || die "the probe delivery got $code: $(cat "$tmp/probe.json")"
wait_deployed "$NAME" 60 || die "the probe's deploy did not end within 60 s"

# hook.lua for run R: every request a new X-GitHub-Delivery (run, thread, counter).
write_lua() {
    python3 - "$tmp/hook.lua" "$tmp/body.json" "$sig" "$1" <<'PY'
import sys
out, body_file, sig, run = sys.argv[1:]
body = open(body_file).read()
lua = f'''-- generated by bench/webhooks.sh
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
local counter = 0
local body = [==[{body}]==]
local base = {{
  ["Content-Type"] = "application/json",
  ["X-GitHub-Event"] = "push",
  ["X-Hub-Signature-256"] = "sha256={sig}",
}}
function request()
  counter = counter + 1
  local h = {{}}
  for k, v in pairs(base) do h[k] = v end
  h["X-GitHub-Delivery"] = "bench-{run}-" .. tostring(tid) .. "-" .. counter
  return wrk.format("POST", nil, h, body)
end
'''
open(out, "w").write(lua)
PY
}

join() { local IFS=' / '; echo "$*"; }

# to_ms "1.23ms" → 1.23 (wrk prints us, ms or s).
to_ms() {
    python3 -c '
import re, sys
m = re.fullmatch(r"([0-9.]+)(us|ms|s|m)", sys.argv[1])
scale = {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[m.group(2)]
print("%.3f" % (float(m.group(1)) * scale))' "$1"
}

events0="$(sql 'select count(*) from events')"
jobs0="$(sql 'select count(*) from jobs')"
declare -A rps_of p50_of p99_of
non2xx_total=0 sockerr_total=0 total_requests=0
for c in "${CONNECTIONS[@]}"; do
    rps=() p50=() p99=()
    for ((i = 1; i <= RUNS; i++)); do
        write_lua "c$c-$i"
        timeout 120 wrk "${WRK_ARGS[@]}" "-c$c" -s "$tmp/hook.lua" "$HOOK" >"$tmp/wrk-$c-$i.txt" 2>&1 &
        WRK_PID=$!
        wait "$WRK_PID" || { cat "$tmp/wrk-$c-$i.txt" >&2; die "wrk run $i at $c connections failed"; }
        WRK_PID=""
        out="$tmp/wrk-$c-$i.txt"
        rps+=("$(awk '/^Requests\/sec:/ { print $2 }' "$out")")
        p50+=("$(to_ms "$(awk '$1 == "50%" { print $2 }' "$out")")")
        p99+=("$(to_ms "$(awk '$1 == "99%" { print $2 }' "$out")")")
        bad="$(awk '/Non-2xx or 3xx responses:/ { print $NF }' "$out" | grep . || echo 0)"
        non2xx_total=$((non2xx_total + bad))
        sockerr_total=$((sockerr_total + $(grep -c 'Socket errors' "$out" || true)))
        n="$(awk '/requests in/ { print $1 }' "$out")"
        total_requests=$((total_requests + n))
        note "wrk -c$c run $i: ${rps[-1]} req/s, p50 ${p50[-1]} ms, p99 ${p99[-1]} ms, $n requests, non-2xx $bad"
    done
    rps_of[$c]="$(stats "${rps[@]}") | $(join "${rps[@]}")"
    p50_of[$c]="$(stats "${p50[@]}" | cut -d' ' -f1)"
    p99_of[$c]="$(stats "${p99[@]}") | $(join "${p99[@]}")"
done
commit_stats="$(curl -fsS "$FERRY_URL/metrics" | awk '/^ferry_hook_commit_batches_total / { b = $2 } /^ferry_hook_commit_batch_largest / { l = $2 } END { print b " transactions, largest batch " l }')"
# The peer: one-row transactions, one at a time, on the same disk with the same settings.
peer=()
for ((i = 1; i <= RUNS; i++)); do peer+=("$(python3 "$BENCH_ROOT/bench/sqlite-one-tx.py" "$tmp" 5)"); done
read -r peer_med _ _ < <(stats "${peer[@]}")
curl -fsS "$FERRY_URL/api/events?limit=5" >"$tmp/events.json" || die "GET /api/events failed"
recent="$(python3 -c '
import json, sys
ev = json.load(open(sys.argv[1]))
ev = ev.get("events", ev) if isinstance(ev, dict) else ev
print(len(ev), ",".join(sorted({e.get("outcome", "?") for e in ev})))' "$tmp/events.json")"
events1="$(sql 'select count(*) from events')"
jobs1="$(sql 'select count(*) from jobs')"
accepted_events="$(sql "select count(*) from events where bindingID = '$BINDING' and outcome = 'accepted' and deliveryID like 'bench-%'")"
outcomes="$(sql "select outcome || ' ' || count(*) from events where deliveryID like 'bench-%' group by outcome" | paste -sd, -)"
wait_deployed "$NAME" 120 || note "deploy jobs were still running 120 s after the last wrk run"
jobs_done="$(sql "select state || ' ' || count(*) from jobs group by state" | paste -sd, -)"
server_errors="$(grep -ciE 'error|fatal' "$tmp/ferry.log" || true)"

# --- 3. push-to-live ---------------------------------------------------------------------------
p2l=()
for ((i = 1; i <= RUNS; i++)); do
    marker="version $i $(date +%s%N)"
    echo "<!doctype html><title>bench</title><p>$marker</p>" >"$work/public/index.html"
    g -C "$work" commit -qam "Version $i"
    before="$(g -C "$work" rev-parse HEAD~1)"
    commit="$(g -C "$work" rev-parse HEAD)"
    push_body "$tmp/push-$i.json" "$commit" "$before"
    s="$(sign "$tmp/push-$i.json")"
    t0="$(now)"
    g -C "$work" push -q origin main
    code="$(curl -s -o "$tmp/hook-$i.json" -w '%{http_code}' --max-time 10 -X POST \
        -H 'Content-Type: application/json' -H 'X-GitHub-Event: push' \
        -H "X-GitHub-Delivery: live-$i-$$" -H "X-Hub-Signature-256: sha256=$s" \
        --data-binary @"$tmp/push-$i.json" "$HOOK")"
    [ "$code" = 202 ] || die "push-to-live $i: the webhook got $code: $(cat "$tmp/hook-$i.json")"
    live=""
    for ((k = 0; k < 3000; k++)); do # at most ~60 s
        if curl -s --max-time 2 "$FERRY_URL/sites/$NAME/" 2>/dev/null | grep -qF "$marker"; then live=1; break; fi
        sleep 0.02
    done
    t1="$(now)"
    [ -n "$live" ] || die "push-to-live $i: the new content was not live within 60 s"
    p2l+=("$(python3 -c "print(f'{$t1 - $t0:.3f}')")")
    note "push-to-live $i: ${p2l[-1]} s"
    wait_deployed "$NAME" 30 || note "push-to-live $i: a job was still running 30 s later"
done
peak="$(peak_rss "$FERRY_PID")"

# --- 4. the section ----------------------------------------------------------------------------
read -r l_med l_min l_max < <(stats "${p2l[@]}")
rows=""
for c in "${CONNECTIONS[@]}"; do
    read -r med min max rest <<<"${rps_of[$c]}"
    ratio="$(python3 -c "print(f'{$med / $peer_med:.2f}')")"
    rows+="| webhooks accepted (202) per second, $c connections | $med | $min | $max | ${rest#| } | $ratio |"$'\n'
    read -r pmed pmin pmax prest <<<"${p99_of[$c]}"
    rows+="| latency of the 202 at $c connections, p50 / p99 (ms) | ${p50_of[$c]} / $pmed | $pmin | $pmax | ${prest#| } | |"$'\n'
done
cpu="$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
changed="$(git status --porcelain -- Sources Plugins Package.swift 2>/dev/null | wc -l)"
tree="commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
[ "$changed" -gt 0 ] && tree="$tree + uncommitted changes to $changed file(s) under Sources/, Plugins/, Package.swift"
section="$(cat <<MD

## Git-push webhooks (bench/webhooks.sh)

* command: \`RUNS=$RUNS bash bench/webhooks.sh\`; per run \`wrk ${WRK_ARGS[*]} -cN -s hook.lua http://127.0.0.1:PORT/hooks/$BINDING\` for N in ${CONNECTIONS[*]}; peer: \`python3 bench/sqlite-one-tx.py DIR 5\` (one-row transactions one at a time, WAL, \`synchronous = FULL\`, same disk), $RUNS runs, median $peer_med per second
* date: $(date -u)
* machine: $(nproc) CPUs ($cpu), $(free -h | awk '/^Mem:/ { print $2 }') RAM, Linux $(uname -r)
* ferry: release build (swift build -c release), $tree; $(swift --version 2>&1 | head -1)
* $(wrk --version 2>&1 | head -1 | cut -d' ' -f1-2), git $(git --version | cut -d' ' -f3); N = RUNS = $RUNS
* before measuring: $idle_note; load average at the end $(cut -d' ' -f1-3 /proc/loadavg)

Each request is a signed GitHub push delivery (same ~0.6 KB body for branch main naming the head
commit, HMAC-SHA256 computed once, a new \`X-GitHub-Delivery\` per request), so each is verified,
stored as a new event and merged into the queued deploy job before its 202.

| measure | median | min | max | per run | ratio to the one-transaction-per-event limit |
| --- | --- | --- | --- | --- | --- |
${rows}| push-to-live, ${SITE_FILES}-file site, one file changed (s): git push → signed webhook → new index.html served | $l_med | $l_min | $l_max | $(join "${p2l[@]}") | |

* requests sent by wrk over the $RUNS runs: $total_requests; non-2xx responses: $non2xx_total; runs with socket errors: $sockerr_total
* events in the store: $events0 before the wrk runs, $events1 after (+$((events1 - events0)) stored;
  outcomes of the benchmark deliveries: $outcomes); \`GET /api/events?limit=5\` returned $recent
* deploy jobs: $jobs0 before the wrk runs, $jobs1 after: $((jobs1 - jobs0)) job(s) for $accepted_events accepted
  deliveries, because a delivery that arrives while a deploy is queued merges into it (coalescing); job states at the end: $jobs_done
* ferry serve peak RSS: $peak; lines with "error" in the server log: $server_errors
* group commit: $commit_stats (deliveries waiting together share one transaction, WAL mode,
  \`synchronous = FULL\`: every 202 is answered after its batch's commit was fsynced, so an
  accepted delivery survives a power loss); each delivery still costs the HMAC check, the
  binding and workload reads, a read of recent events for the staleness check and, inside the
  transaction, the duplicate check and the merge into the queued job.
  On this $(nproc)-CPU machine wrk, the server and the deploy jobs the deliveries cause (git fetch,
  copy, manifest) share the CPUs. Push-to-live is mostly the deploy job (git fetch from the
  local bare repository, copy, manifest, verify, switch) plus the poll interval of 20 ms.
MD
)"
echo "$section"
if [ "$RESULTS" != "-" ]; then
    [ -f "$RESULTS" ] || printf '# Ferry benchmark results\n' >"$RESULTS"
    printf '%s\n' "$section" >>"$RESULTS"
    note "appended to $RESULTS"
fi

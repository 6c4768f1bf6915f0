#!/usr/bin/env bash
# Deploy of a 1,000-file static site, from push to live.
#
#   RUNS=5 bash bench/deploy.sh        (FERRY_BIN=path/to/ferry to skip the release build)
#
# Makes a bare git repository with a 1,000-file site (bench/make-site.py: HTML, CSS, JS, PNG and
# SVG, 2-20 KB each, in nested folders, ~11 MB), starts `ferry serve` (release build) on a free
# port of 127.0.0.1 with its data in a temp dir and applies a static-site workload for it, which
# the reconciler deploys at once (the warm-up: first fetch, first build). Then RUNS times:
#
#   t0   just before the commit
#        change one file, `git commit`, `git push` to the bare repository
#   t1   pushed
#        ferry run bench-site deploy --wait       (resolve head, fetch, diff, copy what changed, store, switch)
#   t2   the CLI returned (the job ended)
#        curl http://127.0.0.1:PORT/sites/bench-site/<changed file> until it has the new content
#   t3   the first response with the new content
#
# push-to-live = t3 - t0. Also reported: the job's duration and its phases from its log
# (bench/job-phases.py). Prints a Markdown table; the temp dir and the server go away at exit.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

for tool in git curl python3; do command -v "$tool" >/dev/null 2>&1 || die "$tool is missing (make bench installs what is needed)"; done
FERRY="$(ferry_release_bin)"
NAME=bench-site
FILES="${FILES:-1000}"
[[ "$FILES" =~ ^[0-9]+$ ]] && [ "$FILES" -ge 10 ] || die "FILES must be a number of at least 10, got \"$FILES\""

tmp="$(mktemp -d /tmp/ferry-bench-deploy.XXXXXX)"
FERRY_PID=""
cleanup() {
    stop_pid "$FERRY_PID"
    if [ -n "${KEEP_TMP:-}" ]; then note "kept $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The site, in a bare repository (what Ferry fetches) and a work clone (where commits are made).
bare="$tmp/site.git"
work="$tmp/work"
new_site_repo "$bare" "$work"
site_size="$(python3 "$BENCH_ROOT/bench/make-site.py" "$work/public" "$FILES")"
commit_and_push "$work" "A $FILES-file site"
note "site: $site_size in $bare"

port="$(free_port)"
start_ferry "$tmp/data" "$port" "$tmp/ferry.log"
{ site_workload "$NAME" "$bare"; echo 'triggers: [ { kind: manual, action: deploy } ]'; } >"$tmp/workload.yaml"
# Applying a new workload makes the reconciler deploy it: that first deploy (first fetch into an
# empty data directory) is the warm-up, measured from the apply to a live build with no job left.
w0="$(now)"
"$FERRY" apply -f "$tmp/workload.yaml" --server "$FERRY_URL" >/dev/null
wait_deployed "$NAME" 60 || die "$NAME was not deployed within 60 s of the apply"
w1="$(now)"
first_job="$(curl -fs "$FERRY_URL/api/jobs?workload=$NAME" | python3 -c '
import json, sys
jobs = json.load(sys.stdin)
jobs = jobs.get("jobs", jobs) if isinstance(jobs, dict) else jobs
print(min(jobs, key=lambda j: (j["createdAt"], j["id"]))["id"] if jobs else "")')"
[ -n "$first_job" ] || die "no job for $NAME after the apply"
curl -fs "$FERRY_URL/api/jobs/$first_job" >"$tmp/job-0.json"
curl -fs "$FERRY_URL/api/jobs/$first_job/log" >"$tmp/job-0.log"
python3 "$BENCH_ROOT/bench/job-phases.py" "$tmp/job-0.json" "$tmp/job-0.log" >"$tmp/phases-0.json"

# deploy I: runs `ferry run --wait` and leaves the job's JSON and log in $tmp/job-I.{json,log}.
deploy() {
    local i="$1" id
    "$FERRY" run "$NAME" deploy --wait --server "$FERRY_URL" >"$tmp/run-$i.out" 2>"$tmp/run-$i.err" ||
        { cat "$tmp/run-$i.err" "$tmp/run-$i.out" >&2; die "deploy $i failed"; }
    id="$(sed -n 's#^job/\([^ ]*\) queued.*#\1#p' "$tmp/run-$i.err" | head -1)"
    [ -n "$id" ] || die "deploy $i: no job id in the CLI's output"
    curl -fs "$FERRY_URL/api/jobs/$id" >"$tmp/job-$i.json"
    curl -fs "$FERRY_URL/api/jobs/$id/log" >"$tmp/job-$i.log"
}

# The files the measured runs change, one per run, round robin: a page, a stylesheet, a script.
# (With FILES=N for another site size, the ones that do not exist are left out.)
targets=()
for f in index.html docs/section-3/chapter-2/page-123.html assets/css/site-7.css assets/js/app/mod-4.js; do
    [ -f "$work/public/$f" ] && targets+=("$f")
done
: >"$tmp/runs.jsonl"
busy_runs=0
for ((i = 1; i <= RUNS; i++)); do
    wait_idle
    is_idle && idle_before=1 || idle_before=0
    file="${targets[$(((i - 1) % ${#targets[@]}))]}"
    marker="bench-run-$i-$(date +%s%N)"
    url="$FERRY_URL/sites/$NAME/$file"
    case "$file" in
        *.html) line="<!-- $marker -->" ;;
        *) line="/* $marker */" ;;
    esac

    t0="$(now)"
    printf '%s\n' "$line" >>"$work/public/$file"
    g -C "$work" commit -qam "bench: change $file ($marker)"
    g -C "$work" push -q origin main
    t1="$(now)"
    deploy "$i"
    t2="$(now)"
    t3=""
    for ((k = 0; k < 3000; k++)); do
        body="$(curl -s --max-time 2 "$url" || true)"
        if [[ "$body" == *"$marker"* ]]; then t3="$(now)"; break; fi
        python3 -c "import sys; sys.exit(0 if $(now) - $t0 < 60 else 1)" || break
    done
    [ -n "$t3" ] || die "run $i: $url did not serve the new content within 60 s of the push"
    python3 "$BENCH_ROOT/bench/job-phases.py" "$tmp/job-$i.json" "$tmp/job-$i.log" >"$tmp/phases-$i.json"
    python3 - "$tmp/phases-$i.json" "$file" "$t0" "$t1" "$t2" "$t3" "$k" >>"$tmp/runs.jsonl" <<'PY'
import json, sys
phases = json.load(open(sys.argv[1]))
t0, t1, t2, t3 = map(float, sys.argv[3:7])
phases.update(file=sys.argv[2], push_to_live=t3 - t0, commit_push=t1 - t0, run_wait=t2 - t1, poll=t3 - t2, polls=int(sys.argv[7]) + 1)
print(json.dumps(phases))
PY
    ((idle_before)) && is_idle || busy_runs=$((busy_runs + 1))
    note "run $i/$RUNS: $file live $(python3 -c "print(f'{$t3 - $t0:.3f}')") s after the commit"
done

rss="$(peak_rss "$FERRY_PID")"
python3 - "$tmp/runs.jsonl" "$tmp/phases-0.json" "$w0" "$w1" "$RUNS" "$site_size" "$rss" "$busy_runs" <<'PY'
import json, statistics, sys
runs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
first = json.load(open(sys.argv[2]))
w0, w1, n, site, rss, busy = float(sys.argv[3]), float(sys.argv[4]), sys.argv[5], sys.argv[6], sys.argv[7], int(sys.argv[8])

def row(label, key, unit="s", scale=1.0):
    values = [r[key] * scale for r in runs if key in r]
    if not values:
        return
    med, lo, hi = statistics.median(values), min(values), max(values)
    if len(values) < len(runs):
        label += f" ({len(values)} of {len(runs)} runs: the log line that splits them is throttled)"
    print(f"| {label} | {med:.3f} | {lo:.3f} | {hi:.3f} |")

files, size = site.split(" files, ")
print(f"### Deploy of a {int(files):,}-file site ({int(size.split()[0]) / 1e6:.1f} MB), push to live ({n} runs after one warm-up deploy)")
print()
print("| measure (seconds) | median | min | max |")
print("| --- | ---: | ---: | ---: |")
row("**push to live** (commit → first request with the new content)", "push_to_live")
row("git commit + git push", "commit_push")
row("`ferry run … deploy --wait` (request → job ended → CLI exit)", "run_wait")
row("first curl after the CLI returned", "poll")
row("job, from its log (first line → live)", "job_log")
row("job, API startedAt → finishedAt (whole seconds only)", "job_api")
row("job, API createdAt → startedAt (queued; whole seconds only)", "queued")
for key, label in [("resolve", "phase: resolve branch head (git ls-remote)"),
                   ("prepare", "phase: git init + remote add"),
                   ("fetch", "phase: git fetch --depth 1 of the commit"),
                   ("checkout", "phase: git checkout + rev-parse"),
                   ("copy", "phase: git diff with the live commit + list folder + copy the changed files"),
                   ("manifest+verify", "phase: store what was put + check every object + records + switch `current`"),
                   ("manifest", "phase, of which hashing and storing what was put (objects/)"),
                   ("verify", "phase, of which object check + manifest + records + switch")]:
    row(label, key)
print()
polls = [r["polls"] for r in runs]
nan = float("nan")
print(f"Warm-up: the first deploy, which the reconciler starts on `ferry apply`: apply → live {w1 - w0:.3f} s; "
      f"job {first.get('job_log', nan):.3f} s (fetch {first.get('fetch', nan):.3f}, checkout {first.get('checkout', nan):.3f}, "
      f"copy {first.get('copy', nan):.3f}, manifest + verify {first.get('manifest+verify', nan):.3f} s). "
      f"Requests until the new content: {min(polls)}–{max(polls)}. Peak RSS of ferry serve: {rss}.")
print("Changed files: " + ", ".join(r["file"] for r in runs) + ". "
      + (f"A compile or test run was going on at the start or the end of {busy} of the {n} runs." if busy
         else "No compile or test run was going on at the start or the end of any run."))
PY

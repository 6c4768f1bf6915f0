# Helpers shared by bench/deploy.sh and bench/serve.sh (sourced, not run).
#
# Everything here talks to 127.0.0.1 only, and every wait is bounded in time.

BENCH_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
RUNS="${RUNS:-5}"

# Use the toolchain in /opt/swift when swift is not on PATH already (as the Makefile does).
if ! command -v swift >/dev/null 2>&1 && [ -x /opt/swift/usr/bin/swift ]; then
    export PATH="/opt/swift/usr/bin:$PATH"
fi

die() { echo "bench: $*" >&2; exit 1; }
note() { echo "bench: $*" >&2; }

case "$RUNS" in ''|*[!0-9]*) die "RUNS must be a positive integer, got \"$RUNS\"";; esac
[ "$RUNS" -ge 1 ] && [ "$RUNS" -le 100 ] || die "RUNS must be between 1 and 100, got $RUNS"

# The release ferry binary: $FERRY_BIN when run.sh already built it, else build it now.
ferry_release_bin() {
    if [ -n "${FERRY_BIN:-}" ] && [ -x "$FERRY_BIN" ]; then echo "$FERRY_BIN"; return; fi
    command -v swift >/dev/null 2>&1 || die "swift not found: put the Swift 6 toolchain on PATH (or in /opt/swift)"
    (cd "$BENCH_ROOT" && swift build -c release --product ferry >&2) || die "release build failed"
    echo "$(cd "$BENCH_ROOT" && swift build -c release --show-bin-path)/ferry"
}

now() { date +%s.%N; }

# A TCP port on 127.0.0.1 that nothing listens on right now.
free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# wait_http URL SECONDS: until URL answers 2xx, at most SECONDS (0.1 s steps).
wait_http() {
    local url="$1" limit="$2" i
    for ((i = 0; i < limit * 10; i++)); do
        curl -fs -o /dev/null --max-time 1 "$url" && return 0
        sleep 0.1
    done
    return 1
}

# Deterministic git identity and settings, whatever the user's git config says.
g() {
    git -c user.name=Bench -c user.email=bench@localhost -c init.defaultBranch=main \
        -c commit.gpgsign=false -c core.autocrlf=false "$@"
}

# new_site_repo BARE WORK: a bare repository (what Ferry fetches, standing for the git host)
# and a work clone of it, where the benchmark writes files and commits.
new_site_repo() {
    g init -q --bare "$1"
    g clone -q "$1" "$2" 2>/dev/null
}

# commit_and_push WORK MESSAGE: commits everything in the work clone and pushes it to the host.
commit_and_push() {
    g -C "$1" add -A
    g -C "$1" commit -qm "$2"
    g -C "$1" push -q origin main
}

# site_workload NAME BARE: a static-site workload file publishing `public/` of BARE's main.
site_workload() {
    cat <<YAML
name: $1
source:
  kind: static-site
  config: { repo: "file://$2", branch: main, folder: public }
YAML
}

# start_ferry DATA_DIR PORT LOG: starts `ferry serve` in the background, sets FERRY_PID and
# FERRY_URL, and waits (at most 30 s) for /api/health. FERRY_EXTRA_CONFIG adds config lines.
start_ferry() {
    local data="$1" port="$2" log="$3"
    # Loopback only, so the benches drive the API without a token; the benches' git
    # repositories live beside the data dir, in the bench's temp folder.
    printf 'auth: { mode: none }\ngit: { fileRoots: ["%s"] }\n' "$(dirname "$data")" >"$data.ferry.yaml"
    # FERRY_EXTRA_CONFIG: more lines for the server config (volume roots, for instance).
    [ -n "${FERRY_EXTRA_CONFIG:-}" ] && printf '%s\n' "$FERRY_EXTRA_CONFIG" >>"$data.ferry.yaml"
    "$FERRY" serve --config "$data.ferry.yaml" --data "$data" --listen "127.0.0.1:$port" >"$log" 2>&1 &
    FERRY_PID=$!
    FERRY_URL="http://127.0.0.1:$port"
    wait_http "$FERRY_URL/api/health" 30 || { tail -20 "$log" >&2; die "ferry serve did not answer on $FERRY_URL within 30 s"; }
}

# wait_deployed NAME SECONDS: until workload NAME has a live build and no queued or running job
# (applying a new workload makes the reconciler deploy it), at most SECONDS (0.1 s steps).
wait_deployed() {
    local name="$1" limit="$2" i
    for ((i = 0; i < limit * 10; i++)); do
        python3 - "$FERRY_URL" "$name" <<'PY' && return 0
import json, sys, urllib.request
base, name = sys.argv[1], sys.argv[2]
get = lambda path: json.load(urllib.request.urlopen(base + path, timeout=2))
try:
    live = get(f"/api/workloads/{name}").get("status", {}).get("liveBuildID")
    jobs = get(f"/api/jobs?workload={name}")
except Exception:
    sys.exit(1)
jobs = jobs.get("jobs", jobs) if isinstance(jobs, dict) else jobs
sys.exit(0 if live and not any(j.get("state") in ("queued", "running") for j in jobs) else 1)
PY
        sleep 0.1
    done
    return 1
}

# live_file DATA NAME PATH: where the bytes of PATH in the live build of NAME are: its object in
# <data>/objects (builds are manifests of content-addressed objects; nothing else is a tree).
live_file() {
    python3 - "$1" "$2" "$3" <<'PY'
import json, sys
data, name, path = sys.argv[1:]
manifest = json.load(open(f"{data}/workloads/{name}/current/manifest.json"))
entry = next((f for f in manifest["files"] if f["path"] == path), None)
print(f"{data}/objects/sha256/{entry['sha256'][:2]}/{entry['sha256'][2:]}" if entry else f"{data}/missing/{path}")
PY
}

# live_bytes DATA NAME: bytes the objects of the live build of NAME take on disk, each once.
live_bytes() {
    python3 - "$1" "$2" <<'PY'
import json, os, sys
data, name = sys.argv[1:]
manifest = json.load(open(f"{data}/workloads/{name}/current/manifest.json"))
print(sum(os.stat(f"{data}/objects/sha256/{s[:2]}/{s[2:]}").st_blocks * 512 for s in {f["sha256"] for f in manifest["files"]}))
PY
}

# stop_pid PID: SIGTERM, then SIGKILL after 5 s; never fails.
stop_pid() {
    local pid="$1" i
    [ -n "$pid" ] || return 0
    kill "$pid" 2>/dev/null || return 0
    for ((i = 0; i < 50; i++)); do
        kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
        sleep 0.1
    done
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

# Peak resident memory of a process (VmHWM), e.g. "48 MB"; "?" when it is gone.
peak_rss() {
    awk '/^VmHWM:/ { printf "%.0f MB", $2 / 1024 }' "/proc/$1/status" 2>/dev/null || echo "?"
}

# stats V1 V2 ...: "median min max" of the numbers given.
stats() {
    python3 -c '
import statistics, sys
v = [float(x) for x in sys.argv[1:]]
print(f"{statistics.median(v):.6g} {min(v):.6g} {max(v):.6g}")' "$@"
}

# Warns when a compile or a test run is going on: the figures then are not from an idle machine.
busy_report() {
    local busy
    busy="$(pgrep -fa 'swift-build|FerryPackageTests|swift-frontend' 2>/dev/null | grep -v -e pgrep | head -3 || true)"
    if [ -n "$busy" ]; then
        echo "machine NOT idle: $(echo "$busy" | wc -l) compile/test process(es) running"
    else
        echo "machine idle (no swift-build / swift-frontend / FerryPackageTests running)"
    fi
}

# wait_idle: before a measured run, waits while a compile or test run is going on, at most
# IDLE_WAIT seconds (default 900) each time; the run then goes ahead either way. is_idle says
# whether the machine is idle now (checked again after each run, so the figures can say how
# many runs overlapped other work).
is_idle() { busy_report | grep -q '^machine idle'; }
wait_idle() {
    local i limit=$(( ${IDLE_WAIT:-900} / 5 ))
    for ((i = 0; i < limit; i++)); do
        is_idle && return 0
        ((i % 12 == 0)) && note "$(busy_report); waiting (at most ${IDLE_WAIT:-900} s) before the next run"
        sleep 5
    done
    return 0
}

"""What must hold after every restart of a killed `ferry serve` (docs/RELIABILITY.md):

1. the live build of every workload verifies against its manifest, byte for byte, and is the
   build the store records as live;
2. once recovery has finished, no job is running or queued, and every job that was running at
   the kill has ended;
3. every event the server answered 2xx for before the kill is in the store;
4. no scratch folder (`<data>/tmp/<job>`), half-written or half-pruned build folder, and no
   temporary file in the npm storage is left;
5. every workload's surface still serves;
6. every publish folder is Ferry's link to a whole tree holding exactly the live build (a
   crash between publishing and switching `current` is put right on the next start).
Each check returns a list of violations (strings); empty means it holds."""

import json
import os
import time
from pathlib import Path

from harness import ChaosError, sha256_file, verify_build


def wait_until_quiet(server, timeout):
    """Waits until the store has no queued or running job (recovery and its re-runs done) and
    the reconciler has had a pass; returns the seconds it took, or None on timeout."""
    start = time.time()
    quiet_since = None
    while time.time() - start < timeout:
        active = server.query("SELECT count(*) FROM jobs WHERE state IN ('queued', 'running')")[0][0]
        if active == 0:
            quiet_since = quiet_since or time.time()
            # Two reconcile intervals of quiet: the reconciler enqueues nothing more.
            if time.time() - quiet_since > 2.5:
                return time.time() - start
        else:
            quiet_since = None
        time.sleep(0.1)
    return None


def live_builds(server, workloads):
    problems = []
    status = {name: server.get(f"/api/workloads/{name}")["status"] for name in workloads}
    for name in workloads:
        current = server.data / "workloads" / name / "current"
        if not current.is_symlink():
            if status[name].get("liveBuildID"):
                problems.append(f"{name}: the store says {status[name]['liveBuildID']} is live but there is no current link")
            continue
        target = os.readlink(current)
        build_id = Path(target).name
        problem = verify_build(current.resolve())
        if problem:
            problems.append(f"{name}: live build {build_id} does not verify: {problem}")
        if status[name].get("liveBuildID") != build_id:
            problems.append(f"{name}: current -> {build_id} but the store says {status[name].get('liveBuildID')} is live")
    return problems


def jobs_ended(server, running_at_kill):
    problems = []
    for (job_id, state, message) in server.query("SELECT id, state, message FROM jobs WHERE state IN ('queued', 'running')"):
        problems.append(f"job {job_id} is still {state} after recovery ({message})")
    for job_id in running_at_kill:
        rows = server.query("SELECT state FROM jobs WHERE id = ?", (job_id,))
        if not rows:
            problems.append(f"job {job_id}, running at the kill, is gone from the store")
        elif rows[0][0] not in ("failed", "succeeded", "cancelled"):
            problems.append(f"job {job_id}, running at the kill, is {rows[0][0]}")
    return problems


def events_kept(server, accepted):
    stored = {row[0] for row in server.query("SELECT id FROM events")}
    return [f"event {event} ({what}) was answered 2xx before the kill and is missing" for event, what in accepted.items() if event not in stored]


def no_leftovers(server, workloads, storages):
    problems = []
    scratch = server.data / "tmp"
    for entry in sorted(os.listdir(scratch)) if scratch.exists() else []:
        problems.append(f"scratch folder {scratch / entry} is left")
    known = {}
    for (build_id, workload, pruned) in server.query("SELECT id, workload, prunedAt FROM builds"):
        known[(workload, build_id)] = pruned
    for name in workloads:
        builds = server.data / "workloads" / name / "builds"
        for entry in sorted(os.listdir(builds)) if builds.exists() else []:
            if (name, entry) not in known:
                problems.append(f"{name}: build folder {entry} has no build record (half-written)")
            elif known[(name, entry)] is not None:
                problems.append(f"{name}: build folder {entry} is recorded as pruned but is still there")
            else:
                problem = verify_build(builds / entry)
                if problem:
                    problems.append(f"{name}: build folder {entry} is recorded but does not verify: {problem}")
    recorded = {(workload, name) for (workload, name) in server.query("SELECT workload, name FROM artifacts")}
    shelf = server.data / "artifacts"
    for workload in sorted(os.listdir(shelf)) if shelf.exists() else []:
        for name in sorted(os.listdir(shelf / workload)):
            if (workload, name) not in recorded:
                problems.append(f"artifact file artifacts/{workload}/{name} has no artifact record")
    for storage in storages:
        for root, dirs, files in os.walk(storage):
            for entry in dirs + files:
                # `.ferry-apply.tmp-*` staging folders are npm_apply.py's to report.
                if ".tmp" in entry and not entry.startswith(".ferry-apply"):
                    problems.append(f"temporary {'folder' if entry in dirs else 'file'} {Path(root, entry)} is left in the npm storage")
    return problems


def surfaces_serve(server, paths):
    problems = []
    for path in paths:
        status, _, body = server.request("GET", path)
        if status != 200:
            problems.append(f"GET {path} answers {status}: {str(body)[:200]}")
    return problems


def published_trees(server, folders):
    problems = []
    for name, folder in folders.items():
        current = server.data / "workloads" / name / "current"
        if not current.is_symlink():
            continue
        if not folder.is_symlink():
            problems.append(f"{name}: the publish folder {folder} is not Ferry's link to a tree")
            continue
        manifest = json.loads((current.resolve() / "manifest.json").read_text())
        wanted = {entry["path"]: entry["sha256"] for entry in manifest["files"]}
        tree = folder.resolve()
        found = {}
        for root, _, files in os.walk(tree):
            for entry in files:
                path = Path(root, entry)
                found[str(path.relative_to(tree))] = sha256_file(path)
        if found != wanted:
            missing = sorted(set(wanted) - set(found))[:3]
            extra = sorted(set(found) - set(wanted))[:3]
            differ = sorted(p for p in set(found) & set(wanted) if found[p] != wanted[p])[:3]
            problems.append(f"{name}: the publish folder does not hold the live build {current.resolve().name}: "
                            f"missing {missing}, not in the build {extra}, different {differ}")
    return problems


def check_all(server, workloads, running_at_kill, accepted, storages, surfaces, settle_timeout, published=None):
    if not server.alive():
        raise ChaosError("ferry serve died on its own after the restart")
    settled = wait_until_quiet(server, settle_timeout)
    problems = []
    if settled is None:
        active = server.query("SELECT id, workload, action, state, attempt FROM jobs WHERE state IN ('queued', 'running')")
        problems.append(f"jobs did not settle within {settle_timeout}s of the restart: {active}")
    problems += jobs_ended(server, running_at_kill)
    problems += events_kept(server, accepted)
    problems += live_builds(server, workloads)
    problems += no_leftovers(server, workloads, storages)
    problems += surfaces_serve(server, surfaces)
    problems += published_trees(server, published or {})
    return settled, problems

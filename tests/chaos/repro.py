"""Deterministic reproductions of what the chaos campaign found (docs/RELIABILITY.md, "Found by
the campaign"). Each scenario kills `ferry serve` at one exact step instead of a random one and
prints what it sees; the exit status is 1 while any of them still reproduces.

    python3 tests/chaos/repro.py [scratch] [retention]"""

import os
import sys
import tempfile
import time
from pathlib import Path

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import FerryServer, GitRepo, verify_build  # noqa: E402
from invariants import wait_until_quiet  # noqa: E402
from workloads import server_config  # noqa: E402


def big_site(repo, version, files=3000):
    return {f"public/p/{i // 100}/{i}.html": f"page {i} of version {version}\n" + "x" * 2000 for i in range(files)} | {
        "public/index.html": f"version {version}\n"}


def start(root, retain):
    server = FerryServer(root, server_config(root, retain=retain))
    server.start()
    repo = GitRepo(root / "repos" / "site")
    repo.commit(big_site(repo, 1))
    status, _, body = server.request("POST", "/api/apply", f'name: big\nsource: {{ kind: static-site, config: {{ repo: "{repo.url}", folder: public }} }}\n'.encode(),
                                     {"Content-Type": "application/yaml"})
    assert status < 300, body
    wait_until_quiet(server, 120)
    return server, repo


def scratch():
    """Kill -9 during a deploy; after the restart and the re-run, `<data>/tmp/<job>` is still there."""
    root = Path(tempfile.mkdtemp(prefix="ferry-repro-scratch-"))
    server, repo = start(root, retain=5)
    repo.commit(big_site(repo, 2))
    _, _, job = server.request("POST", "/api/workloads/big/actions/deploy", {})
    while not (server.data / "tmp" / job["id"]).exists():
        time.sleep(0.002)
    server.kill()
    server.start()
    wait_until_quiet(server, 120)
    left = sorted(os.listdir(server.data / "tmp"))
    server.kill()
    print(f"scratch: after the restart and the re-run, {server.data / 'tmp'} holds {left or 'nothing'}")
    return job["id"] in left


def retention():
    """Kill -9 right after a deploy is recorded, while retention removes the build it prunes
    (a few delays are tried, until one lands inside the removal)."""
    for delay in (0.01, 0.02, 0.005, 0.04, 0.0):
        if retention_once(delay):
            return True
    return False


def retention_once(delay):
    root = Path(tempfile.mkdtemp(prefix="ferry-repro-retention-"))
    server, repo = start(root, retain=1)
    old = server.get("/api/workloads/big")["status"]["liveBuildID"]
    repo.commit(big_site(repo, 2))
    _, _, job = server.request("POST", "/api/workloads/big/actions/deploy", {})
    while not server.query("SELECT id FROM deploys WHERE jobID = ?", (job["id"],)):
        time.sleep(0.001)
    time.sleep(delay)
    server.kill()
    folder = server.data / "workloads" / "big" / "builds" / old
    pruned = server.query("SELECT prunedAt FROM builds WHERE id = ?", (old,))[0][0]
    problem = verify_build(folder) if folder.exists() else "removed"
    print(f"retention: killed {delay * 1000:.0f} ms after deploy of job {job['id']} was recorded; old build {old}: prunedAt={pruned}, folder: {problem or 'complete'}")
    server.start()
    time.sleep(1)
    jobs = server.query("SELECT id, state, message, attempt FROM jobs WHERE action = 'deploy' ORDER BY createdAt")
    wait_until_quiet(server, 120)
    after = verify_build(folder) if folder.exists() else "removed"
    deploys = server.query("SELECT id, jobID FROM deploys ORDER BY createdAt")
    server.kill()
    print(f"retention: after the restart the old build folder is: {after or 'complete'}; jobs: {jobs}; deploys: {len(deploys)}")
    return pruned is None and problem not in (None, "removed")


def main():
    scenarios = {"scratch": scratch, "retention": retention}
    chosen = sys.argv[1:] or list(scenarios)
    reproduced = [name for name in chosen if scenarios[name]()]
    print("reproduced: " + (", ".join(reproduced) if reproduced else "none"))
    sys.exit(1 if reproduced else 0)


if __name__ == "__main__":
    main()

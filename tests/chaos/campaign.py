"""kill -9 campaign: a real `ferry serve` with a static site and its production stage, a
composer-repo and an npm-mirror runs N operations (deploys by API and by signed webhook,
promotions, rollbacks, composer deploys, npm refreshes with their diff-builds, `ferry npm apply`
of the diffs on an offline storage); at seeded random moments the server — or the apply — is
killed with SIGKILL. After each restart the invariants in invariants.py are checked.

    python3 tests/chaos/campaign.py --operations 100 [--seed N] [--keep]

Prints the seed, every kill with the phase of the jobs running at that moment (from the store,
the same rows GET /api/jobs shows), and a summary; exits 1 when an invariant broke."""

import argparse
import collections
import json
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import BINARY, ChaosError, FerryServer  # noqa: E402
from invariants import check_all, wait_until_quiet  # noqa: E402
from npm_apply import OfflineSide  # noqa: E402
from npm_upstream import NpmUpstream  # noqa: E402
from workloads import ComposerLibRepo, SiteRepo, github_headers, github_push, publish_dir, server_config, workload_file  # noqa: E402

WORKLOADS = ["site", "site-prod", "composer", "npm"]
SURFACES = ["/sites/site/", "/sites/site-prod/", "/composer/composer/packages.json", "/npm/npm/chaos-pkg-0"]


# Violations of bugs already reported (docs/RELIABILITY.md, "Found by the campaign"): printed,
# counted, and fatal only with --strict (what `make chaos` runs), so `make test` stays a
# regression check for everything else until they are fixed. Remove an entry with its fix.
KNOWN: dict[str, str] = {}


def known_bug(problem):
    return next((bug for pattern, bug in KNOWN.items() if re.search(pattern, problem)), None)


def phase_of(workload, action, note):
    """`site deploy: copied N/N files` from a job's workload, action and progress note."""
    if not note:
        return f"{workload} {action}: started"
    words = []
    for word in note.split():
        word = "<revision>" if "@sha" in word else re.sub(r"\d+", "N", word)
        words.append(word)
    text = " ".join(words)
    return f"{workload} {action}: {text.split(':')[0] if text.startswith('live') else text}"


class Campaign:
    def __init__(self, root, seed, operations, kill_rate):
        self.root = root
        self.rng = random.Random(seed)
        self.operations = operations
        self.kill_rate = kill_rate
        self.site = SiteRepo(root, self.rng)
        self.lib = ComposerLibRepo(root, self.rng)
        self.upstream = NpmUpstream(self.rng, packages=6, tarball_bytes=300_000, delay=0.05)
        self.storage = root / "volumes" / "npm-storage"
        self.upstream.seed_storage(self.storage)
        self.offline = OfflineSide(root / "offline-storage", self.storage)
        self.server = FerryServer(root, server_config(root))
        (root / "workloads.yaml").write_text(workload_file(root, self.site, self.lib, self.upstream, self.storage))
        self.accepted = {}  # event id → what it was
        self.kills = collections.Counter()
        self.ops = collections.Counter()
        self.violations = []
        self.seen = set()
        self.known = collections.Counter()
        self.settle_times = []

    # operations: each returns after asking; the work goes on in the server

    def deploy(self):
        commit = self.site.next_commit()
        if self.rng.random() < 0.5:
            status, _, body = self.server.request("POST", "/api/workloads/site/actions/deploy", {})
            self.note_accepted(status, body.get("eventID") if isinstance(body, dict) else None, "deploy by API")
            return "deploy"
        delivery = str(uuid.UUID(int=self.rng.getrandbits(128)))
        payload = github_push(commit)
        status, _, body = self.server.request("POST", "/hooks/site-hook", payload, github_headers(payload, delivery))
        self.note_accepted(status, body.get("event") if isinstance(body, dict) else None, f"push {delivery}")
        return "deploy (webhook)"

    def promote(self):
        status, _, body = self.server.request("POST", "/api/workloads/site-prod/promote", {})
        self.note_accepted(status, body.get("eventID") if isinstance(body, dict) else None, "promote")
        return "promote"

    def rollback(self):
        self.server.request("POST", "/api/workloads/site/rollback", {})
        return "rollback"

    def composer(self):
        self.lib.release()
        status, _, body = self.server.request("POST", "/api/workloads/composer/actions/deploy", {})
        self.note_accepted(status, body.get("eventID") if isinstance(body, dict) else None, "composer deploy")
        return "composer deploy"

    def npm_refresh(self):
        self.upstream.publish()
        action, params = ("refresh-full", {}) if self.rng.random() < 0.7 else ("refresh-delta", {"minutes": 60})
        status, _, body = self.server.request("POST", f"/api/workloads/npm/actions/{action}", {"params": params})
        self.note_accepted(status, body.get("eventID") if isinstance(body, dict) else None, f"npm {action}")
        return f"npm {action}"

    def note_accepted(self, status, event, what):
        if 200 <= status < 300 and event:
            self.accepted[event] = what

    def running_jobs(self):
        return self.server.query("SELECT id, workload, action, progressNote FROM jobs WHERE state = 'running'")

    def wait_for_kill_moment(self):
        """Mostly a moment inside a job (its start is awaited, then a random part of it), else
        any moment: before the job started, between jobs, during a reconcile pass."""
        if self.rng.random() < 0.8:
            deadline = time.time() + 3
            while time.time() < deadline and not self.running_jobs():
                time.sleep(0.005)
            time.sleep(self.rng.choice([self.rng.uniform(0, 0.1), self.rng.uniform(0, 0.6), self.rng.uniform(0, 1.5)]))
        else:
            time.sleep(self.rng.uniform(0, 1.0))

    def kill_server(self, op):
        running = self.running_jobs()
        phases = [phase_of(workload, action, note) for (_, workload, action, note) in running] or ["no job running (an API call, a reconcile pass, between jobs)"]
        self.server.kill()
        for phase in phases:
            self.kills[phase] += 1
        print(f"  kill -9 ferry serve during {op}: {', '.join(phases)}", flush=True)
        return [job_id for (job_id, _, _, _) in running]

    def restart_and_check(self, running_at_kill, label):
        self.server.start()
        settled, problems = check_all(self.server, WORKLOADS, running_at_kill, self.accepted, [self.storage, self.offline.storage],
                                      SURFACES, settle_timeout=90, published={"site": publish_dir(self.root)})
        if settled is not None:
            self.settle_times.append(settled)
        for problem in problems:
            self.violation(label, problem)

    def violation(self, label, problem):
        """Records a broken invariant; one left over from an earlier restart is not new."""
        if problem in self.seen:
            return
        self.seen.add(problem)
        bug = known_bug(problem)
        if bug:
            self.known[bug] += 1
            print(f"  known bug after {label}: {problem}", flush=True)
            return
        print(f"  VIOLATION after {label}: {problem}", flush=True)
        self.violations.append((label, problem))

    def run(self):
        start = time.time()
        self.server.start()
        subprocess.run([str(BINARY), "apply", "-f", str(self.root / "workloads.yaml"), "--server", self.server.base], check=True, capture_output=True)
        if wait_until_quiet(self.server, 120) is None:
            raise ChaosError("the first deploys did not finish")
        for name in WORKLOADS:
            if not self.server.get(f"/api/workloads/{name}")["status"].get("liveBuildID"):
                raise ChaosError(f"{name} has nothing live after its first deploy; see {self.root}/server-1.log")
        kinds = [(self.deploy, 5), (self.promote, 2), (self.rollback, 2), (self.composer, 2), (self.npm_refresh, 2), (self.npm_apply, 2)]
        actions = [f for f, w in kinds for _ in range(w)]
        for index in range(1, self.operations + 1):
            operation = self.rng.choice(actions)
            label = operation()
            self.ops[label] += 1
            if label.startswith("npm apply"):
                continue
            if self.rng.random() < self.kill_rate:
                self.wait_for_kill_moment()
                running = self.kill_server(f"op {index} ({label})")
                self.restart_and_check(running, f"op {index} ({label})")
            elif self.rng.random() < 0.5:
                wait_until_quiet(self.server, 60)
        wait_until_quiet(self.server, 120)
        # The last word: a clean stop and start, then every check once more.
        self.server.stop()
        self.restart_and_check([], "the final restart")
        self.work_was_done()
        self.server.stop()
        return time.time() - start

    def work_was_done(self):
        """Kills must interrupt real work: a run whose deploys all failed would check nothing."""
        done = dict(((w, a), n) for (w, a, n) in self.server.query(
            "SELECT workload, action, count(*) FROM jobs WHERE state = 'succeeded' GROUP BY workload, action"))
        print("jobs succeeded: " + ", ".join(f"{w} {a} {n}" for (w, a), n in sorted(done.items())), flush=True)
        # Site deploys are idempotent, so recovery re-runs the killed ones: some must succeed.
        # Other actions are re-run only when their source calls them idempotent: only counted.
        asked = self.ops["deploy"] + self.ops["deploy (webhook)"]
        if asked and done.get(("site", "deploy"), 0) < 2:
            self.violation("the run", f"no site deploy after the first one succeeded ({asked} asked)")

    def npm_apply(self):
        """Applies every diff the mirror made that the offline side has not applied yet; the
        first apply of a batch may be killed, then run again to completion."""
        artifacts = self.server.get("/api/artifacts?workload=npm")
        pending = [a for a in reversed(artifacts) if a["id"] not in self.offline.applied]
        if not pending:
            return "npm apply (nothing new)"
        for position, artifact in enumerate(pending):
            archive = self.offline.download(self.server, artifact)
            kill_after = self.rng.uniform(0.005, 0.06) if position == 0 and self.rng.random() < 0.7 else None
            outcome = self.offline.apply(archive, kill_after)
            if outcome == "killed":
                self.kills["ferry npm apply: killed"] += 1
                print(f"  kill -9 ferry npm apply {archive.name} after {kill_after:.2f}s", flush=True)
                outcome = self.offline.apply(archive, None)
            for problem in self.offline.check(archive, outcome):
                self.violation(f"ferry npm apply {archive.name}", problem)
            self.offline.applied.add(artifact["id"])
        return "npm apply"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--operations", type=int, default=100)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--kill-rate", type=float, default=0.6, help="share of operations followed by a kill -9 (default 0.6)")
    parser.add_argument("--strict", action="store_true", help="known bugs (KNOWN) fail the run too")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (data dir, server logs)")
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(1 << 32)
    root = Path(tempfile.mkdtemp(prefix="ferry-chaos-"))
    print(f"chaos campaign: {args.operations} operations, seed {seed} (again: --seed {seed}), in {root}", flush=True)
    campaign = Campaign(root, seed, args.operations, args.kill_rate)
    try:
        duration = campaign.run()
    finally:
        campaign.server.kill()
        campaign.upstream.close()
    kills = sum(campaign.kills.values())
    print(f"\n{kills} kills in {duration:.0f}s over {args.operations} operations (seed {seed}):")
    for phase, count in sorted(campaign.kills.items(), key=lambda kv: (-kv[1], kv[0])):
        print(f"  {count:4d}  {phase}")
    print("operations: " + ", ".join(f"{label} {count}" for label, count in sorted(campaign.ops.items())))
    if campaign.settle_times:
        print(f"recovery settled in {min(campaign.settle_times):.1f}–{max(campaign.settle_times):.1f}s after a restart")
    summary = {"seed": seed, "operations": args.operations, "kills": kills, "phases": dict(campaign.kills),
               "violations": [{"after": label, "problem": problem} for label, problem in campaign.violations],
               "known": dict(campaign.known), "seconds": round(duration, 1)}
    (root / "summary.json").write_text(json.dumps(summary, indent=2))
    for bug, count in campaign.known.items():
        print(f"known bug, seen {count} time(s): {bug}")
    if campaign.violations or (args.strict and campaign.known):
        print(f"\nFAILED: {len(campaign.violations)} new violation(s), {sum(campaign.known.values())} of known bugs; data kept in {root}")
        sys.exit(1)
    print("\nevery invariant held after every restart" + (" (apart from the known bugs above)" if campaign.known else ""))
    if not args.keep:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()

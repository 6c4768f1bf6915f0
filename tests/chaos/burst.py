"""Webhook burst: N signed deliveries (default 10,000; a tenth of them re-deliveries of one
already answered, same delivery id and body) from GitHub, Gitea and GitLab senders, many at once,
to three git-push bindings fanning out to six static sites, while the server's RSS and its job
queue are sampled. Then:

* every delivery the server answered (anything but 503) is exactly one event, and every
  distinct delivery id is one non-duplicate event; every re-delivery is a `duplicate` event
  answered 200 with no job;
* no duplicate deploys: no event has more than one job per workload, no duplicate event has a
  job, and each workload ends live on the commit of the last delivery it accepted;
* at most one queued job per workload at any moment (a trigger in the store checks every write
  to the jobs table; the queue is also sampled during the burst);
* with `limits.hookQueue` (when this build of Ferry has it) set below the senders' concurrency,
  deliveries beyond it get 503 with Retry-After — and are sent again — instead of queueing in
  memory: the RSS stays bounded.

    python3 tests/chaos/burst.py [--deliveries 10000] [--senders 48] [--hook-queue 8] [--seed N]"""

import argparse
import collections
import http.client
import json
import random
import shutil
import sqlite3
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import ChaosError, FerryServer, GitRepo  # noqa: E402
from invariants import wait_until_quiet  # noqa: E402
from senders import Sender  # noqa: E402
from workloads import config_accepts, server_config  # noqa: E402

SITES = [f"w{i}" for i in range(1, 7)]
BINDINGS = {"github": ["w1", "w2", "w3"], "gitea": ["w3", "w4"], "gitlab": ["w5", "w6"]}
RSS_HEADROOM_MIB = 256


class Burst:
    def __init__(self, root, seed, deliveries, senders, hook_queue):
        self.root = root
        self.rng = random.Random(seed)
        self.total = deliveries
        self.concurrency = senders
        self.repo = GitRepo(root / "repos" / "site")
        self.commits = [self.repo.commit({"public/index.html": f"commit {i}\n", "public/a/b.html": f"{i}\n"}, f"c{i}") for i in range(30)]
        self.bounded = hook_queue is not None and config_accepts(root, f"limits: {{ hookQueue: {hook_queue} }}\n")
        extra = f"limits: {{ hookQueue: {hook_queue} }}\n" if self.bounded else ""
        self.server = FerryServer(root, server_config(root, concurrency=4, retain=2, extra=extra))
        self.lock = threading.Lock()
        self.answered = []  # (kind, delivery id, body, binding) of stored deliveries, for re-delivery
        self.results = collections.Counter()
        self.problems = []
        self.sent = {}  # delivery id → (binding, commit, redeliveries answered)
        self.event_ids = set()
        self.busy = 0
        self.busy_without_retry_after = 0
        self.rss = []
        self.max_queued = collections.Counter()
        self.page_latency = []  # (seconds, status) of a site page fetched while the burst runs
        self.sampling = True

    def setup(self):
        self.server.start()
        docs = [f'name: {site}\nsource: {{ kind: static-site, config: {{ repo: "{self.repo.url}", folder: public }} }}\n' for site in SITES]
        status, _, body = self.server.request("POST", "/api/apply", "---\n".join(docs).encode(), {"Content-Type": "application/yaml"})
        if status >= 300:
            raise ChaosError(f"apply: {status} {body}")
        self.senders = {}
        for kind, targets in BINDINGS.items():
            document = {"id": f"burst-{kind}", "kind": "git-push", "config": {"branches": ["main"]},
                        "workloads": [{"name": t, "action": "deploy", "filters": {}} for t in targets]}
            status, _, body = self.server.request("POST", "/api/bindings", document)
            if status != 201:
                raise ChaosError(f"binding {kind}: {status} {body}")
            self.senders[kind] = Sender(kind, body["secret"])
        if wait_until_quiet(self.server, 120) is None:
            raise ChaosError("the first deploys did not finish")

    def plan(self):
        """Re-deliveries are spread over all but the first tenth, so there is always one to repeat."""
        redeliveries = self.total // 10
        slots = ["new"] * (self.total - redeliveries)
        for _ in range(redeliveries):
            slots.insert(self.rng.randrange(len(slots) // 10 + 1, len(slots) + 1), "again")
        return slots

    def sample(self):
        while self.sampling:
            kib = self.server.rss_kib()
            if kib:
                self.rss.append(kib)
            began = time.time()
            status, _, _ = self.server.request("GET", "/sites/w1/")
            self.page_latency.append((time.time() - began, status))
            for workload, count in self.server.query("SELECT workload, count(*) FROM jobs WHERE state = 'queued' GROUP BY workload"):
                self.max_queued[workload] = max(self.max_queued[workload], count)
            time.sleep(0.05)

    def post(self, connection, binding, body, headers):
        """One delivery, sent again while the server answers 503; returns (status, answer)."""
        while True:
            try:
                connection.request("POST", f"/hooks/{binding}", body=body, headers={"Content-Type": "application/json", **headers})
                response = connection.getresponse()
                raw = response.read()
            except (ConnectionError, http.client.HTTPException, OSError) as error:
                raise ChaosError(f"delivery to {binding} failed: {error}")
            if response.status != 503:
                return response.status, json.loads(raw)
            with self.lock:
                self.busy += 1
                if not response.getheader("Retry-After"):
                    self.busy_without_retry_after += 1
            # Retry-After says 5 s; a burst sender that honoured it fully would take minutes.
            time.sleep(self.rng.uniform(0.01, 0.05))

    def worker(self, slots):
        connection = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=60)
        rng = random.Random(self.rng.random())
        for slot in slots:
            if slot == "again":
                with self.lock:
                    kind, delivery, body, binding = rng.choice(self.answered)
            else:
                kind = rng.choice(list(BINDINGS))
                delivery = str(uuid.UUID(int=rng.getrandbits(128)))
                body = self.senders[kind].body(rng.choice(self.commits))
                binding = f"burst-{kind}"
            status, answer = self.post(connection, binding, body, self.senders[kind].headers(body, delivery))
            with self.lock:
                self.results[(slot, status, answer.get("outcome"))] += 1
                if answer.get("event"):
                    self.event_ids.add(answer["event"])
                if slot == "new":
                    self.sent[delivery] = binding
                    if status == 202:
                        self.answered.append((kind, delivery, body, binding))
                    else:
                        self.problems.append(f"delivery {delivery} to {binding}: {status} {answer}")
                elif status != 200 or answer.get("outcome") != "duplicate" or answer.get("jobs"):
                    self.problems.append(f"re-delivery {delivery}: {status} {answer}, expected 200 duplicate with no job")
        connection.close()

    def run(self):
        self.setup()
        self.watch_queue()
        baseline = self.server.rss_kib()
        sampler = threading.Thread(target=self.sample, daemon=True)
        sampler.start()
        slots = self.plan()
        started = time.time()
        threads = [threading.Thread(target=self.worker, args=(slots[i::self.concurrency],)) for i in range(self.concurrency)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        seconds = time.time() - started
        settled = wait_until_quiet(self.server, 180)
        self.sampling = False
        sampler.join()
        if settled is None:
            self.problems.append("jobs did not settle within 180 s of the burst")
        self.check()
        return baseline, seconds

    def check(self):
        rows = self.server.query("SELECT id, bindingID, deliveryID, outcome, payload FROM events WHERE kind = 'git-push' AND bindingID LIKE 'burst-%' ORDER BY rowid")
        stored = {row[0] for row in rows}
        missing = self.event_ids - stored
        if missing:
            self.problems.append(f"{len(missing)} answered deliveries have no event, e.g. {sorted(missing)[:3]}")
        answered = sum(count for (slot, status, _), count in self.results.items() if status != 503)
        if len(rows) != answered:
            self.problems.append(f"{answered} deliveries were answered but {len(rows)} events are stored")
        firsts = collections.Counter((b, d) for (_, b, d, outcome, _) in rows if outcome != "duplicate")
        for delivery, binding in self.sent.items():
            if firsts[(binding, delivery)] != 1:
                self.problems.append(f"delivery {delivery} is {firsts[(binding, delivery)]} non-duplicate events, expected 1")
        duplicates = {row[0] for row in rows if row[3] == "duplicate"}
        jobs = self.server.query("SELECT id, workload, eventID FROM jobs WHERE action = 'deploy'")
        per_event = collections.Counter((event, workload) for (_, workload, event) in jobs)
        for (event, workload), count in per_event.items():
            if count > 1 and event:
                self.problems.append(f"event {event} has {count} deploy jobs for {workload}")
            if event in duplicates:
                self.problems.append(f"duplicate event {event} has a deploy job for {workload}")
        self.check_queue()
        self.check_live(rows)
        for workload, count in self.max_queued.items():
            if count > 1:
                self.problems.append(f"{workload} had {count} queued jobs at once (sampled)")
        self.deploy_jobs = len(jobs)
        self.accepted_events = sum(1 for row in rows if row[3] == "accepted")
        self.duplicate_events = len(duplicates)

    def watch_queue(self):
        """A trigger in the store itself checks every job insert and state change: a workload
        with two queued jobs at once, even for a moment between samples, leaves a row. Job
        timestamps cannot tell (each is taken before its transaction waits for the write lock)."""
        uri = f"file:{self.server.data / 'ferry.sqlite'}"
        with sqlite3.connect(uri, uri=True, timeout=30) as db:
            db.executescript("""
                CREATE TABLE chaos_queue_violations (workload TEXT, queued INTEGER, jobID TEXT);
                CREATE TRIGGER chaos_queue_insert AFTER INSERT ON jobs
                WHEN (SELECT count(*) FROM jobs WHERE workload = NEW.workload AND state = 'queued') > 1
                BEGIN INSERT INTO chaos_queue_violations
                      SELECT NEW.workload, (SELECT count(*) FROM jobs WHERE workload = NEW.workload AND state = 'queued'), NEW.id; END;
                CREATE TRIGGER chaos_queue_update AFTER UPDATE OF state ON jobs
                WHEN (SELECT count(*) FROM jobs WHERE workload = NEW.workload AND state = 'queued') > 1
                BEGIN INSERT INTO chaos_queue_violations
                      SELECT NEW.workload, (SELECT count(*) FROM jobs WHERE workload = NEW.workload AND state = 'queued'), NEW.id; END;
            """)

    def check_queue(self):
        for (workload, queued, job_id) in self.server.query("SELECT workload, queued, jobID FROM chaos_queue_violations"):
            self.problems.append(f"{workload} had {queued} queued jobs at once (at the write of job {job_id})")

    def check_live(self, rows):
        """Pushes coalesce into a build of the newest commit: each site ends on the last one it accepted.
        A delivery accepted for some targets may be stale for others (behind what they serve); those
        targets did not accept it, and the event's reason names them."""
        last = {}
        reasons = dict(self.server.query("SELECT id, coalesce(reason, '') FROM events WHERE kind = 'git-push' AND bindingID LIKE 'burst-%'"))
        for (event_id, binding, _, outcome, payload) in rows:
            if outcome == "accepted":
                commit = json.loads(payload).get("commit")
                for workload in BINDINGS[binding.removeprefix("burst-")]:
                    if f"{workload}: stale" not in reasons.get(event_id, ""):
                        last[workload] = commit
        for workload, commit in last.items():
            live = self.server.get(f"/api/workloads/{workload}")["status"].get("liveRevision")
            if live != commit:
                self.problems.append(f"{workload} is live on {live}, but the last delivery it accepted named {commit}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--deliveries", type=int, default=10_000)
    parser.add_argument("--senders", type=int, default=48, help="deliveries in flight at once")
    parser.add_argument("--hook-queue", type=int, default=2, help="limits.hookQueue for the run (when Ferry has the key)")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(1 << 32)
    root = Path(tempfile.mkdtemp(prefix="ferry-burst-"))
    print(f"webhook burst: {args.deliveries} deliveries, {args.senders} at once, seed {seed}, in {root}", flush=True)
    burst = Burst(root, seed, args.deliveries, args.senders, args.hook_queue)
    try:
        baseline, seconds = burst.run()
    finally:
        burst.server.kill()
    peak = max(burst.rss) if burst.rss else 0
    print(f"sent in {seconds:.1f}s ({args.deliveries / seconds:.0f}/s); {burst.accepted_events} accepted and "
          f"{burst.duplicate_events} duplicate events; {burst.deploy_jobs} deploy jobs for {len(SITES)} sites")
    if burst.bounded:
        print(f"limits.hookQueue {args.hook_queue}: {burst.busy} answers 503 (all sent again), "
              f"{burst.busy_without_retry_after} of them without Retry-After")
        if burst.busy_without_retry_after:
            burst.problems.append(f"{burst.busy_without_retry_after} answers 503 had no Retry-After")
        if burst.busy == 0 and args.senders > args.hook_queue:
            burst.problems.append(f"{args.senders} deliveries at once never filled limits.hookQueue {args.hook_queue}")
    else:
        print("this build of Ferry has no limits.hookQueue: the 503 / Retry-After check was skipped")
    print(f"RSS: {baseline / 1024:.0f} MiB before, peak {peak / 1024:.0f} MiB, {burst.rss[-1] / 1024 if burst.rss else 0:.0f} MiB after")
    if baseline and peak - baseline > RSS_HEADROOM_MIB * 1024:
        burst.problems.append(f"RSS grew by {(peak - baseline) / 1024:.0f} MiB during the burst (bound {RSS_HEADROOM_MIB} MiB)")
    latencies = sorted(seconds for seconds, _ in burst.page_latency)
    if latencies:
        failed = sum(1 for _, status in burst.page_latency if status != 200)
        print(f"GET /sites/w1/ during the burst: {len(latencies)} requests, median {latencies[len(latencies) // 2] * 1000:.0f} ms, "
              f"p99 {latencies[int(len(latencies) * 0.99)] * 1000:.0f} ms, max {latencies[-1] * 1000:.0f} ms, {failed} not 200")
    print("queued jobs per workload, most at once (sampled): " + ", ".join(f"{w} {burst.max_queued[w]}" for w in SITES))
    summary = {"seed": seed, "deliveries": args.deliveries, "seconds": round(seconds, 1), "busy": burst.busy,
               "rssKiB": {"before": baseline, "peak": peak}, "problems": burst.problems}
    (root / "summary.json").write_text(json.dumps(summary, indent=2))
    if burst.problems:
        for problem in burst.problems[:30]:
            print(f"  VIOLATION: {problem}")
        print(f"FAILED: {len(burst.problems)} violation(s); data kept in {root}")
        sys.exit(1)
    print("every delivery is one event, no duplicate deploys, at most one queued job per workload")
    if not args.keep:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()

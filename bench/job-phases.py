#!/usr/bin/env python3
"""Splits one deploy job into phases, from its JSON (GET /api/jobs/{id}) and its log.

    job-phases.py JOB.json JOB.log

Prints one JSON object, every duration in seconds:
  job_api   startedAt -> finishedAt (the job's own duration; the API gives whole seconds)
  queued    createdAt -> startedAt (whole seconds)
and, from the log's timestamps (HH:MM:SS.mmm, UTC, millisecond resolution):
  job_log   first line -> "progress 100% live" (the job's duration in milliseconds)
  resolve   job start -> "revision ..." (git ls-remote of the branch head)
  prepare   -> "$ git fetch" (git init, remote add in the scratch directory)
  fetch     "$ git fetch" -> "$ git ... checkout" (shallow fetch of the exact commit)
  checkout  -> "checked out ..." (checkout of the commit, rev-parse HEAD)
  copy      -> "published ..." (git diff against the live commit, list the folder, copy the
            changed files into the build folder)
  manifest  -> "build b-…: N file(s) put" (hash what was put, move it into objects/, list the kept paths)
  verify    -> "progress 100% live" (every object present, manifest.json, build and deploy
            records, atomic switch of `current`, retention)
  manifest+verify  both: "published ..." -> "progress 100% live"
A phase whose marker line is missing is left out.
"""
import json
import sys
from datetime import datetime, timedelta

job = json.load(open(sys.argv[1]))
lines = open(sys.argv[2], encoding="utf-8", errors="replace").read().splitlines()


def when(value):
    if value is None:
        return None
    if isinstance(value, (int, float)):
        return datetime.fromtimestamp(value)
    return datetime.fromisoformat(str(value).replace("Z", "+00:00"))


started, finished, created = when(job.get("startedAt")), when(job.get("finishedAt")), when(job.get("createdAt"))
out = {"id": job.get("id"), "state": job.get("state")}
if started and finished:
    out["job_api"] = (finished - started).total_seconds()
if created and started:
    out["queued"] = (started - created).total_seconds()

# Log lines are "HH:MM:SS.mmm text"; times of day, so add a day when the clock wraps.
stamped, day, last = [], timedelta(0), None
for line in lines:
    stamp, _, text = line.partition(" ")
    try:
        t = datetime.strptime(stamp, "%H:%M:%S.%f")
    except ValueError:
        continue
    if last is not None and t + day < last:
        day += timedelta(days=1)
    last = t + day
    stamped.append((last, text))


def first(prefix):
    return next((t for t, text in stamped if text.startswith(prefix)), None)


marks = [
    ("resolve", first("job ")),
    ("prepare", first("revision ")),
    ("fetch", first("$ git fetch")),
    ("checkout", first("$ git -c advice.detachedHead=false checkout")),
    ("copy", first("checked out ")),
    ("manifest", first("published ")),
    ("verify", first("build b-")),
    ("end", first("progress 100% live")),
]
published, live = marks[-3][1], marks[-1][1]
if published and live:
    out["manifest+verify"] = round((live - published).total_seconds(), 3)
# Each phase runs from its own mark to the next one's; phases with a missing mark are left out.
for (name, begin), (_, end) in zip(marks, marks[1:]):
    if begin and end:
        out[name] = round((end - begin).total_seconds(), 3)
if marks[0][1] and marks[-1][1]:
    out["job_log"] = round((marks[-1][1] - marks[0][1]).total_seconds(), 3)
print(json.dumps(out))

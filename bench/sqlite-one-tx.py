#!/usr/bin/env python3
"""The peer of the webhook benchmark: how many one-row write transactions per second SQLite
commits on this disk with the settings Ferry uses (WAL, synchronous = FULL), one at a time, each
row about the size of a stored delivery. A server that commits every delivery on its own cannot
beat this; group commit can.

    python3 bench/sqlite-one-tx.py DIR SECONDS   → prints transactions per second
"""
import os
import sqlite3
import sys
import time

folder, seconds = sys.argv[1], float(sys.argv[2])
path = os.path.join(folder, "one-tx.sqlite")
db = sqlite3.connect(path, isolation_level=None)
db.execute("PRAGMA journal_mode = WAL")
db.execute("PRAGMA synchronous = FULL")
db.execute("CREATE TABLE IF NOT EXISTS events (id TEXT PRIMARY KEY, payload TEXT)")
payload = "x" * 600
n = 0
start = time.monotonic()
while time.monotonic() - start < seconds:
    db.execute("BEGIN IMMEDIATE")
    db.execute("INSERT INTO events VALUES (?, ?)", (f"e{n}", payload))
    db.execute("COMMIT")
    n += 1
elapsed = time.monotonic() - start
db.close()
for suffix in ("", "-wal", "-shm"):
    try:
        os.remove(path + suffix)
    except FileNotFoundError:
        pass
print(f"{n / elapsed:.1f}")

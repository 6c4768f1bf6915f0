#!/usr/bin/env python3
"""A synthetic remote Composer v2 repository for bench/composer-proxy.sh, on 127.0.0.1 only.

    python3 bench/composer-proxy-upstream.py PORT [LATENCY_MS] [DEPS]

It holds acme/app and DEPS (default 30) dependencies acme/dep01..depNN, each package in three
versions (1.0.0, 1.1.0, 1.2.0; acme/app 2.0.0, 2.1.0, 2.2.0). The dependencies form a tree, so
Composer has to resolve them level by level as with real packages: acme/app requires the first 6,
each of those requires the next 4 not yet taken (for DEPS=30: app -> dep01..06, dep01 ->
dep07..10, ..., dep06 -> dep27..30). Answers, in Packagist's / a Satis's shapes:

  GET  /packages.json                  metadata-url /p2/%package%.json, available-packages,
                                       security-advisories api-url (absolute)
  GET  /p2/<vendor>/<name>.json        minified composer/2.0, newest first; ETag (304 on
                                       If-None-Match) and Last-Modified; ~dev.json is a 404
  GET  /dists/<vendor>/<name>/<v>.zip  a small real zip (composer.json, src/, README) whose sha1
                                       is the `shasum` in the p2 file; bytes are deterministic
  POST /api/security-advisories        {"advisories": []} (no advisories), as Packagist answers

Every one of these waits LATENCY_MS (default 50) before answering, standing in for a remote
upstream; requests are answered in parallel (one thread each), so the delay does not serialise
them. Not delayed, for the bench script:

  GET  /control/stats   requests per kind, 304s, the most requests in flight at once, total
  GET  /control/log     every request since the reset: [start s, end s, method, path, status]
  POST /control/reset   zeroes the stats and empties the log
"""
import hashlib
import io
import json
import sys
import threading
import time
import zipfile
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlparse

port = int(sys.argv[1])
latency = (int(sys.argv[2]) if len(sys.argv) > 2 else 50) / 1000.0
deps = int(sys.argv[3]) if len(sys.argv) > 3 else 30
base = f"http://127.0.0.1:{port}"
MODIFIED = 1_735_689_600  # 2025-01-01, the Last-Modified of every p2 file


def dep_name(i):
    return f"acme/dep{i:02d}"


# The dependency tree: BFS order, acme/app takes up to 6 children, every other package up to 4.
children = {"acme/app": []}
queue, taken = ["acme/app"], 0
while queue and taken < deps:
    parent = queue.pop(0)
    for _ in range(6 if parent == "acme/app" else 4):
        if taken == deps:
            break
        taken += 1
        child = dep_name(taken)
        children[parent].append(child)
        children[child] = []
        queue.append(child)

names = ["acme/app"] + [dep_name(i) for i in range(1, deps + 1)]


def versions_of(name):
    major = 2 if name == "acme/app" else 1
    return [f"{major}.{minor}.0" for minor in range(3)]


def class_name(name):
    return "".join(part.capitalize() for part in name.split("/")[1].split("-"))


def make_zip(name, version, require):
    manifest = {
        "name": name, "description": f"Synthetic package {name} for the proxy benchmark.", "type": "library",
        "license": "MIT", "require": require, "autoload": {"psr-4": {f"Acme\\{class_name(name)}\\": "src/"}},
    }
    files = {
        "composer.json": json.dumps(manifest, indent=4) + "\n",
        "src/Version.php": f"<?php\n\nnamespace Acme\\{class_name(name)};\n\nfinal class Version\n{{\n    public const NAME = '{name}';\n    public const VERSION = '{version}';\n}}\n",
        "README.md": f"# {name} {version}\n\n" + "".join(f"Line {k} of the synthetic readme of {name}.\n" for k in range(60)),
        # Hardly compressible bytes, so a dist is a few KB, like a small library's.
        "src/Table.php": "<?php\n\nreturn [\n" + "".join(
            f"    '{hashlib.sha256(f'{name} {version} {k}'.encode()).hexdigest()}',\n" for k in range(64)) + "];\n",
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for path, text in files.items():
            info = zipfile.ZipInfo(path, date_time=(2025, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, text)
    return out.getvalue()


dists = {}  # "/dists/acme/x/1.0.0.zip" -> bytes
p2 = {}     # "/p2/acme/x.json" -> (bytes, etag)
for name in names:
    require = {"php": ">=7.4"}
    require.update({child: "^1.0" for child in children[name]})
    full_versions = []
    for version in reversed(versions_of(name)):  # newest first, as Packagist writes it
        data = make_zip(name, version, require)
        path = f"/dists/{name}/{version}.zip"
        dists[path] = data
        sha1 = hashlib.sha1(data).hexdigest()
        full_versions.append({
            "name": name, "description": f"Synthetic package {name} for the proxy benchmark.",
            "version": version, "version_normalized": version + ".0", "type": "library", "license": ["MIT"],
            "time": "2025-01-01T00:00:00+00:00", "require": require,
            "autoload": {"psr-4": {f"Acme\\{class_name(name)}\\": "src/"}},
            "dist": {"type": "zip", "url": base + path, "reference": sha1, "shasum": sha1},
        })
    # composer/2.0 minification: every version after the first lists only what changed.
    minified, previous = [], None
    for full in full_versions:
        if previous is None:
            minified.append(full)
        else:
            entry = {k: v for k, v in full.items() if previous.get(k) != v}
            entry.update({k: "__unset" for k in previous if k not in full})
            minified.append(entry)
        previous = full
    body = json.dumps({"minified": "composer/2.0", "packages": {name: minified}}, separators=(",", ":")).encode()
    p2[f"/p2/{name}.json"] = (body, '"' + hashlib.sha256(body).hexdigest()[:16] + '"')

root = json.dumps({
    "packages": [], "metadata-url": "/p2/%package%.json", "available-packages": names,
    # Absolute: Composer 2.5 does not resolve a relative api-url (Packagist gives an absolute one).
    "security-advisories": {"metadata": False, "api-url": base + "/api/security-advisories"},
}).encode()

lock = threading.Lock()
stats = {}
log = []
epoch = [time.monotonic()]


def reset():
    log.clear()
    epoch[0] = time.monotonic()
    stats.clear()
    stats.update({"packages.json": 0, "p2": 0, "p2-dev": 0, "dist": 0, "advisories": 0, "other": 0,
                  "not-modified": 0, "inflight": 0, "max_inflight": 0, "total": 0})


reset()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out as separate writes; without this, Nagle + delayed ACKs add ~40 ms.
    disable_nagle_algorithm = True

    def log_message(self, *args):
        pass

    def send(self, status, body=b"", kind="application/json", headers=None):
        self.status = status
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def delayed(self, kind, answer):
        with lock:
            stats[kind] += 1
            stats["total"] += 1
            stats["inflight"] += 1
            stats["max_inflight"] = max(stats["max_inflight"], stats["inflight"])
            start = time.monotonic() - epoch[0]
        self.status = 0
        try:
            time.sleep(latency)
            answer()
        finally:
            with lock:
                stats["inflight"] -= 1
                log.append([round(start, 4), round(time.monotonic() - epoch[0], 4), self.command, self.path, self.status])

    def do_GET(self):
        path = urlparse(self.path).path
        if path == "/control/stats":
            with lock:
                return self.send(200, json.dumps(stats).encode())
        if path == "/control/log":
            with lock:
                return self.send(200, json.dumps(sorted(log)).encode())
        if path == "/packages.json":
            return self.delayed("packages.json", lambda: self.send(200, root))
        if path.startswith("/p2/"):
            if path.endswith("~dev.json"):
                return self.delayed("p2-dev", lambda: self.send(404, b'{"error":"no dev versions"}'))
            found = p2.get(path)

            def answer():
                if found is None:
                    return self.send(404, b'{"error":"not found"}')
                body, etag = found
                headers = {"ETag": etag, "Last-Modified": formatdate(MODIFIED, usegmt=True)}
                if self.headers.get("If-None-Match") == etag:
                    with lock:
                        stats["not-modified"] += 1
                    return self.send(304, b"", headers=headers)
                self.send(200, body, headers=headers)
            return self.delayed("p2", answer)
        if path.startswith("/dists/"):
            data = dists.get(path)
            return self.delayed("dist", lambda: self.send(200, data, "application/zip") if data is not None else self.send(404, b"not found", "text/plain"))
        self.delayed("other", lambda: self.send(404, b"not found", "text/plain"))

    def do_POST(self):
        path = urlparse(self.path).path
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        if path == "/control/reset":
            with lock:
                inflight = stats["inflight"]
                reset()
                stats["inflight"] = inflight
            return self.send(200, b'{"reset":true}')
        if path == "/api/security-advisories":
            return self.delayed("advisories", lambda: self.send(200, b'{"advisories":[]}'))
        self.delayed("other", lambda: self.send(404, b"not found", "text/plain"))


ThreadingHTTPServer.daemon_threads = True
ThreadingHTTPServer.request_queue_size = 128
ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()

"""A small npm registry on a loopback port standing in for registry.npmjs.org (as
Tests/NpmMirrorTests/Support/UpstreamRegistry.swift does for the Swift tests): `GET /<name>`
answers the packument with tarball URLs pointing back at itself, `GET /<name>/-/<file>` the
tarball. `publish()` adds a version, so each refresh has something new to fetch. Tarballs are
real npm tarballs (gzip tar of `package/…`) with dist.integrity (sha512) and dist.shasum.
Every answer waits `delay` seconds, so refreshes last long enough to be killed in the middle."""

import base64
import hashlib
import io
import json
import random
import tarfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote


def tarball(name, version, dependencies, payload):
    manifest = {"name": name, "version": version, "main": "index.js", "dependencies": dependencies}
    files = {"package/package.json": json.dumps(manifest, indent=2).encode(),
             "package/index.js": f"module.exports = {json.dumps(version)};\n".encode(),
             "package/data.bin": payload}
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w:gz") as tar:
        for path, data in files.items():
            info = tarfile.TarInfo(path)
            info.size = len(data)
            info.mtime = 1_700_000_000
            info.mode = 0o644
            tar.addfile(info, io.BytesIO(data))
    return raw.getvalue()


class NpmUpstream:
    def __init__(self, rng, packages=4, tarball_bytes=150_000, delay=0.03):
        self.rng = rng
        self.tarball_bytes = tarball_bytes
        self.delay = delay
        self.lock = threading.Lock()
        self.names = [f"chaos-pkg-{i}" for i in range(packages)]
        self.packages = {}  # name → {version: (doc, bytes)}
        for index, name in enumerate(self.names):
            self.packages[name] = {}
            # Each package depends on the next one, so a refresh follows a dependency closure.
            deps = {self.names[index + 1]: "^1.0.0"} if index + 1 < len(self.names) else {}
            self._add(name, "1.0.0", deps)
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def _add(self, name, version, deps):
        data = tarball(name, version, deps, self.rng.randbytes(self.tarball_bytes))
        file = f"{name}-{version}.tgz"
        doc = {"name": name, "version": version, "main": "index.js", "dependencies": deps, "_id": f"{name}@{version}",
               "dist": {"tarball": f"https://registry.npmjs.org/{name}/-/{file}",
                        "integrity": "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode(),
                        "shasum": hashlib.sha1(data).hexdigest()}}
        self.packages[name][version] = (doc, data)

    def publish(self):
        """A new patch version of a random package; returns "name@version"."""
        with self.lock:
            name = self.rng.choice(self.names)
            newest = max(self.packages[name], key=lambda v: tuple(map(int, v.split("."))))
            major, minor, patch = map(int, newest.split("."))
            version = f"{major}.{minor}.{patch + 1}"
            self._add(name, version, self.packages[name][newest][0]["dependencies"])
            return f"{name}@{version}"

    def packument(self, name, tarball_base):
        versions = self.packages[name]
        newest = max(versions, key=lambda v: tuple(map(int, v.split("."))))
        docs = {}
        for version, (doc, _) in versions.items():
            doc = json.loads(json.dumps(doc))
            doc["dist"]["tarball"] = f"{tarball_base}{name}/-/{name}-{version}.tgz"
            docs[version] = doc
        return {"name": name, "dist-tags": {"latest": newest}, "versions": docs,
                "time": {v: "2026-01-01T00:00:00.000Z" for v in versions}}

    def seed_storage(self, storage):
        """A Verdaccio storage holding version 1.0.0 of every package, as Verdaccio writes it."""
        storage = Path(storage)
        storage.mkdir(parents=True, exist_ok=True)
        for name in self.names:
            doc, data = self.packages[name]["1.0.0"]
            folder = storage / name
            folder.mkdir(exist_ok=True)
            file = f"{name}-1.0.0.tgz"
            (folder / file).write_bytes(data)
            packument = {"name": name, "versions": {"1.0.0": doc}, "dist-tags": {"latest": "1.0.0"},
                         "time": {"1.0.0": "2026-01-01T00:00:00.000Z", "modified": "2026-01-01T00:00:00.000Z"},
                         "_uplinks": {}, "_distfiles": {file: {"url": doc["dist"]["tarball"], "sha": doc["dist"]["shasum"], "registry": "npmjs"}},
                         "_attachments": {}, "_rev": "1-0000000000000001"}
            (folder / "package.json").write_text(json.dumps(packument, indent="\t"))
        (storage / ".verdaccio-db.json").write_text(json.dumps({"list": [], "secret": "0" * 32}))

    def _handler(self):
        upstream = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                time.sleep(upstream.delay)
                path = unquote(self.path.lstrip("/").split("?")[0])
                base = f"http://{self.headers.get('Host', '127.0.0.1')}/"
                with upstream.lock:
                    if "/-/" in path:
                        name, file = path.split("/-/", 1)
                        version = file[len(name) + 1:-4] if file.startswith(name + "-") and file.endswith(".tgz") else None
                        found = upstream.packages.get(name, {}).get(version)
                        body, kind = (found[1], "application/octet-stream") if found else (None, None)
                    elif path in upstream.packages:
                        body, kind = json.dumps(upstream.packument(path, base)).encode(), "application/json"
                    else:
                        body, kind = None, None
                if body is None:
                    self.send_response(404)
                    self.send_header("Content-Type", "application/json")
                    self.end_headers()
                    self.wfile.write(b'{"error":"Not found"}')
                    return
                self.send_response(200)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                # Tarballs go out in pieces, so a kill can land while one is half downloaded;
                # then the killed server's end of the connection is gone, as expected.
                try:
                    for start in range(0, len(body), 32_768):
                        self.wfile.write(body[start:start + 32_768])
                except (BrokenPipeError, ConnectionResetError):
                    pass

        return Handler

    def close(self):
        self.server.shutdown()


if __name__ == "__main__":
    upstream = NpmUpstream(random.Random(1))
    print(upstream.base, upstream.names)
    time.sleep(3600)

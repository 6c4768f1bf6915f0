"""What the chaos scripts share: a real `ferry serve` that can be killed with SIGKILL and started
again on the same data directory, a small HTTP client for its API, a read-only view of its SQLite
store, and local git repositories to deploy from. Nothing here talks to anything but 127.0.0.1."""

import hashlib
import json
import os
import signal
import socket
import sqlite3
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
BINARY = Path(os.environ.get("FERRY_BIN", REPO_ROOT / ".build" / "debug" / "ferry"))


class ChaosError(Exception):
    """The campaign could not go on (a server that does not start, an API that answers nonsense)."""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def git(cwd, *args):
    return subprocess.run(
        ["git", "-c", "user.name=Chaos", "-c", "user.email=chaos@localhost", "-c", "commit.gpgsign=false",
         "-c", "tag.gpgsign=false", *args],
        cwd=cwd, check=True, capture_output=True, text=True).stdout


class GitRepo:
    """A local repository on branch main, deployable as file://…"""

    def __init__(self, path):
        self.path = Path(path)
        self.path.mkdir(parents=True)
        git(self.path, "init", "-q", "-b", "main")

    @property
    def url(self):
        return "file://" + str(self.path)

    def commit(self, files, message="change"):
        for rel, content in files.items():
            target = self.path / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content if isinstance(content, bytes) else content.encode())
        git(self.path, "add", "-A")
        git(self.path, "commit", "-q", "--allow-empty", "-m", message)
        return git(self.path, "rev-parse", "HEAD").strip()

    def tag(self, name):
        git(self.path, "tag", "-a", "-m", name, name)


class FerryServer:
    """`ferry serve` on a fixed loopback port and data directory; `kill()` is a power cut."""

    def __init__(self, workdir, config_text, port=None):
        if not BINARY.exists():
            raise ChaosError(f"{BINARY} is missing: run `swift build --product ferry` first")
        self.workdir = Path(workdir)
        self.data = self.workdir / "data"
        self.port = port or free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.config = self.workdir / "ferry.yaml"
        # The chaos runs test durability, not the trust boundary: loopback, no tokens.
        self.config.write_text("auth: { mode: none }\n" + config_text)
        self.process = None
        self.starts = 0

    def start(self, timeout=60):
        self.starts += 1
        log = open(self.workdir / f"server-{self.starts}.log", "w")
        self.process = subprocess.Popen(
            [str(BINARY), "serve", "--data", str(self.data), "--listen", f"127.0.0.1:{self.port}", "--config", str(self.config)],
            cwd=self.workdir, stdout=log, stderr=subprocess.STDOUT)
        log.close()
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise ChaosError(f"ferry serve exited with {self.process.returncode}; see {self.workdir}/server-{self.starts}.log:\n"
                                 + (self.workdir / f"server-{self.starts}.log").read_text()[-2000:])
            try:
                if self.get("/api/health")["status"] == "ok":
                    return
            except (urllib.error.URLError, ConnectionError, OSError, ValueError):
                time.sleep(0.05)
        raise ChaosError("ferry serve did not answer /api/health in time")

    @property
    def pid(self):
        return self.process.pid if self.process else None

    def kill(self):
        """SIGKILL, then reap: no shutdown code runs."""
        if self.process and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()

    def alive(self):
        return self.process is not None and self.process.poll() is None

    def rss_kib(self):
        try:
            for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        except OSError:
            pass
        return None

    # HTTP

    def request(self, method, path, body=None, headers=None, timeout=30):
        """(status, headers, parsed JSON or text); HTTP errors are answers, not exceptions."""
        data = body if isinstance(body, (bytes, type(None))) else json.dumps(body).encode()
        req = urllib.request.Request(self.base + path, data=data, method=method, headers=headers or {})
        if data is not None and "Content-Type" not in (headers or {}):
            req.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(req, timeout=timeout) as response:
                return response.status, dict(response.headers), decode(response.read())
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), decode(error.read())

    def get(self, path):
        status, _, body = self.request("GET", path)
        if status != 200:
            raise ChaosError(f"GET {path}: {status} {body}")
        return body

    def cli(self, *args, timeout=120):
        return subprocess.run([str(BINARY), *args, "--server", self.base], capture_output=True, text=True, timeout=timeout)

    # the store, read-only (WAL: readers never block the server)

    def query(self, sql, params=()):
        uri = f"file:{self.data / 'ferry.sqlite'}?mode=ro"
        for attempt in range(50):
            try:
                with sqlite3.connect(uri, uri=True, timeout=10) as db:
                    return db.execute(sql, params).fetchall()
            except sqlite3.OperationalError as error:
                if "locked" not in str(error) and "busy" not in str(error):
                    raise
                time.sleep(0.05)
        raise ChaosError(f"the store stayed locked for: {sql}")


def decode(raw):
    try:
        return json.loads(raw)
    except ValueError:
        return raw.decode(errors="replace")


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def verify_build(build_dir):
    """What `ManifestVerifier.problem(depth: .full)` checks, reading the object store itself:
    every object the manifest lists is there with its size and still hashes to its name, and no
    staging folder (`content/`) is left behind. Returns None when the build verifies, else what
    is wrong."""
    build_dir = Path(build_dir).resolve()
    objects = build_dir.parent.parent.parent.parent / "objects" / "sha256"
    try:
        manifest = json.loads((build_dir / "manifest.json").read_text())
    except (OSError, ValueError) as error:
        return f"manifest.json unreadable: {error}"
    for entry in manifest.get("files", []):
        path = objects / entry["sha256"][:2] / entry["sha256"][2:]
        if not path.is_file() or path.is_symlink():
            return f"{entry['path']} is missing (object {entry['sha256'][:12]})"
        if path.stat().st_size != entry["size"]:
            return f"{entry['path']} has {path.stat().st_size} bytes, the manifest says {entry['size']}"
        if sha256_file(path) != entry["sha256"]:
            return f"{entry['path']} does not match its sha256"
    if (build_dir / "content").exists():
        return "its content/ folder was not emptied into the object store"
    return None

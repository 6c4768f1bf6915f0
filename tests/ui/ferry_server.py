"""A real Ferry for the browser tests: the built `.build/debug/ferry serve` on a free loopback
port, with a temporary data directory, a server config allowing a temporary volume root, and
local git repositories to deploy from. Nothing here talks to anything but 127.0.0.1."""

import json
import os
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class GitRepo:
    """A local git repository on branch main, deployable as file://…"""

    def __init__(self, parent, name):
        self.path = Path(parent) / name
        self.path.mkdir(parents=True)
        self.git("init", "-q", "-b", "main")

    @property
    def url(self):
        return "file://" + str(self.path)

    def git(self, *args):
        return subprocess.run(["git", *args], cwd=self.path, check=True, capture_output=True, text=True).stdout

    def commit(self, files, message="change"):
        for rel, content in files.items():
            target = self.path / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(content)
        self.git("add", "-A")
        self.git("-c", "user.name=UI Test", "-c", "user.email=ui@localhost", "commit", "-q", "-m", message)
        return self.git("rev-parse", "HEAD").strip()


class FerryServer:
    """`auth="token"` starts it as a network-facing Ferry would run: sign-in required. The
    admin token (made with `ferry token create --data`, before the server starts) is `self.token`,
    and `user(...)` adds people who sign in with a password."""

    def __init__(self, auth="none"):
        self.temp = tempfile.TemporaryDirectory(prefix="ferry-ui-")
        self.dir = Path(self.temp.name)
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        binary = REPO_ROOT / ".build" / "debug" / "ferry"
        if not binary.exists():
            raise SystemExit(f"{binary} is missing: run `swift build --product ferry` first")
        self.binary = binary
        self.data = self.dir / "data"
        self.token = None
        if auth == "token":
            out = self.ferry("token", "create", "--data", str(self.data), "--name", "ui-admin", "--role", "admin")
            self.token = out.strip().splitlines()[-1]
        allowed = self.dir / "volumes"
        allowed.mkdir()
        config = self.dir / "ferry.yaml"
        # Local repositories are allowed only under git.fileRoots: the test's own folder.
        config.write_text(f"auth: {{ mode: {auth} }}\nvolumes: {{ allow: [{allowed}] }}\ngit: {{ fileRoots: [{self.dir}] }}\nreconcileInterval: 2s\n")
        self.log = open(self.dir / "server.log", "w")
        self.process = subprocess.Popen(
            [str(binary), "serve", "--data", str(self.data), "--listen", f"127.0.0.1:{self.port}", "--config", str(config)],
            cwd=REPO_ROOT, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                if self.get_json("/api/health")["status"] == "ok":
                    return
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(0.2)
        self.stop()
        raise SystemExit("ferry serve did not start; see " + str(self.dir / "server.log"))

    def ferry(self, *args, input=None):
        """Runs the CLI; a failure stops the test with what it printed."""
        done = subprocess.run([str(self.binary), *args], input=input, capture_output=True, text=True, cwd=REPO_ROOT)
        if done.returncode != 0:
            raise AssertionError(f"ferry {' '.join(args[:2])} failed: {done.stderr}")
        return done.stdout

    def user(self, name, role, password):
        self.ferry("user", "create", name, "--role", role, "--password-stdin", "--data", str(self.data), input=password + "\n")

    def request(self, path, data=None, content_type="application/json"):
        request = urllib.request.Request(self.base + path, data=data)
        if self.token:
            request.add_header("Authorization", f"Bearer {self.token}")
        if data is not None:
            request.add_header("Content-Type", content_type)
        return request

    def apply(self, document):
        with urllib.request.urlopen(self.request("/api/apply", json.dumps(document).encode()), timeout=10) as response:
            return json.loads(response.read())

    def get_json(self, path):
        with urllib.request.urlopen(self.request(path), timeout=10) as response:
            return json.loads(response.read())

    def status(self, path):
        try:
            with urllib.request.urlopen(self.request(path), timeout=10) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    def text(self, path):
        with urllib.request.urlopen(self.base + path, timeout=10) as response:
            return response.read().decode()

    def repo(self, name):
        return GitRepo(self.dir / "repos", name)

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.log.close()
        self.temp.cleanup()

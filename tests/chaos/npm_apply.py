"""The offline side of the npm mirror in the campaign: a Verdaccio storage that starts as a copy
of the online one and receives every diff archive with `ferry npm apply`, which the campaign
kills with SIGKILL at random moments. After the apply that follows a killed one, every file the
archive's manifest lists must be in the offline storage with its sha512, and no staging folder
may be left."""

import hashlib
import json
import os
import shutil
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

from harness import BINARY, ChaosError


class OfflineSide:
    def __init__(self, storage, online_storage):
        self.storage = Path(storage)
        shutil.copytree(online_storage, self.storage)
        self.archives = self.storage.parent / "offline-archives"
        self.archives.mkdir()
        self.applied = set()

    def download(self, server, artifact):
        target = self.archives / artifact["name"]
        with urllib.request.urlopen(f"{server.base}/api/artifacts/{artifact['id']}/download", timeout=60) as response:
            data = response.read()
            expected = response.headers.get("x-checksum-sha256")
        if expected and hashlib.sha256(data).hexdigest() != expected:
            raise ChaosError(f"artifact {artifact['id']}: the download does not match x-checksum-sha256")
        target.write_bytes(data)
        return target

    def apply(self, archive, kill_after):
        """Runs `ferry npm apply`; with `kill_after`, SIGKILLs it that many seconds in.
        Returns "killed", or the exit status and output when it ended by itself."""
        process = subprocess.Popen([str(BINARY), "npm", "apply", str(archive), "--storage", str(self.storage), "--insecure"],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if kill_after is not None:
            deadline = time.time() + kill_after
            while time.time() < deadline and process.poll() is None:
                time.sleep(0.005)
            if process.poll() is None:
                os.kill(process.pid, signal.SIGKILL)
                process.communicate()
                return "killed"
        out, err = process.communicate(timeout=120)
        return (process.returncode, out, err)

    def check(self, archive, outcome):
        problems = []
        status, out, err = outcome
        if status != 0:
            return [f"{archive.name}: ferry npm apply exited {status}: {err.strip() or out.strip()}"]
        manifest = json.loads(subprocess.run(["tar", "--zstd", "-xOf", str(archive), "manifest.json"],
                                             check=True, capture_output=True).stdout)
        for entry in manifest["files"]:
            path = self.storage / entry["path"]
            if not path.is_file():
                problems.append(f"{archive.name}: {entry['path']} is missing from the offline storage")
            elif hashlib.sha512(path.read_bytes()).hexdigest() != entry["sha512"]:
                problems.append(f"{archive.name}: {entry['path']} in the offline storage does not match its sha512")
        for entry in os.listdir(self.storage):
            if entry.startswith(".ferry-apply"):
                problems.append(f"{archive.name}: staging folder {entry} is left in the offline storage")
        return problems

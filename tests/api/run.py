"""The REST API probed by schemathesis against its own OpenAPI document: a real `ferry serve`
(the debug build, a temporary data directory, one deployed site) and a bounded number of
generated requests per operation. The one check that must hold: no answer is a 5xx. Run from
the repository root after `swift build --product ferry`:  python3 tests/api/run.py [--max-examples N]"""

import argparse
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "ui"))
from ferry_server import FerryServer  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--max-examples", type=int, default=20)
    parser.add_argument("--schemathesis", default=str(Path(sys.executable).parent / "st"))
    args = parser.parse_args()
    server = FerryServer()
    try:
        repo = server.repo("site")
        repo.commit({"public/index.html": "<h1>probed</h1>"})
        server.apply({"name": "site", "source": {"kind": "static-site", "config": {"repo": repo.url, "folder": "public"}},
                      "triggers": [{"kind": "manual", "action": "deploy"}]})
        command = [
            args.schemathesis, "run", f"{server.base}/api/openapi.json",
            "--checks", "not_a_server_error",
            "--max-examples", str(args.max_examples),
            "--phases", "examples,coverage,fuzzing",
            "--request-timeout", "15",
            "--workers", "1",
            "--generation-deterministic",
            "--suppress-health-check", "all",
            "--no-color",
        ]
        print("$", " ".join(command), flush=True)
        done = subprocess.run(command)
        alive = server.status("/api/health") == 200
        if not alive:
            print("ferry serve stopped answering during the run; see its log", file=sys.stderr)
        status = 0 if done.returncode == 0 and alive else 1
        if status:
            print((server.dir / "server.log").read_text()[-4000:], file=sys.stderr)
        return status
    finally:
        server.stop()


if __name__ == "__main__":
    sys.exit(main())

"""The workloads the chaos scripts drive, built from local parts only: a static site and its
production stage from a local git repository, a composer-repo from a local git repository with
tagged versions (the vcs upstream), and an npm-mirror refreshing from the local stand-in registry
(npm_upstream.py) into a Verdaccio storage folder."""

import hashlib
import hmac
import json
import shutil
from pathlib import Path

from harness import ChaosError, FerryServer, GitRepo, REPO_ROOT

HOOK_SECRET = "chaos-hook-secret"
SITE_FILES = 600


def server_config(root, reconcile="1s", concurrency=4, retain=3, extra=""):
    """The server config; `git.fileRoots` (file:// repositories only under configured roots)
    when this build of Ferry knows the key."""
    lines = [f"reconcileInterval: {reconcile}", f"jobs: {{ concurrency: {concurrency}, retain: {retain} }}",
             f"volumes: {{ allow: [{root / 'volumes'}] }}"]
    roots = f"git: {{ fileRoots: [{root / 'repos'}] }}\n"
    if config_accepts(root, roots):
        lines.append(roots.strip())
    return "\n".join(lines) + "\n" + extra


_accepted = {}


def config_accepts(root, snippet):
    """Whether this `ferry` binary starts with `snippet` in its config (its schema refuses
    unknown keys): a throwaway server on its own data directory, stopped at once."""
    key = snippet.split(":")[0] + snippet.split("{")[-1].split(":")[0]
    if key not in _accepted:
        probe = Path(root) / f"probe-{len(_accepted)}"
        probe.mkdir(parents=True)
        server = FerryServer(probe, snippet)
        try:
            server.start(timeout=30)
            _accepted[key] = True
        except ChaosError:
            _accepted[key] = False
        finally:
            server.kill()
            shutil.rmtree(probe, ignore_errors=True)
    return _accepted[key]


def site_files(version, rng):
    """A site of SITE_FILES pages; every deploy changes all of them, so a copy takes a while."""
    files = {"public/index.html": f"<h1>version {version}</h1>\n", "public/404.html": "not here\n"}
    for i in range(SITE_FILES):
        files[f"public/pages/{i // 50}/page-{i}.html"] = f"<p>page {i} of version {version}</p>\n" + rng.randbytes(1500).hex()
    return files


class SiteRepo(GitRepo):
    def __init__(self, root, rng):
        super().__init__(root / "repos" / "site")
        self.rng = rng
        self.version = 0
        self.commits = [self.next_commit()]

    def next_commit(self):
        self.version += 1
        commit = self.commit(site_files(self.version, self.rng), f"version {self.version}")
        return commit


class ComposerLibRepo(GitRepo):
    """A library whose every tag is a Composer version (dist zips made by `git archive`)."""

    def __init__(self, root, rng):
        super().__init__(root / "repos" / "composer-lib")
        self.rng = rng
        self.minor = 0
        self.release()

    def release(self):
        self.minor += 1
        composer = {"name": "chaos/lib", "description": "a library the chaos campaign publishes", "type": "library",
                    "license": "MIT", "require": {"php": ">=8.1"}, "autoload": {"psr-4": {"Chaos\\Lib\\": "src/"}}}
        files = {"composer.json": json.dumps(composer, indent=2) + "\n", "src/Lib.php": f"<?php\nnamespace Chaos\\Lib;\nconst VERSION = '1.{self.minor}.0';\n"}
        for i in range(20):
            files[f"src/data/blob-{i}.txt"] = self.rng.randbytes(4000).hex()
        self.commit(files, f"release 1.{self.minor}.0")
        self.tag(f"v1.{self.minor}.0")
        return f"1.{self.minor}.0"


def publish_dir(root):
    """Where the site is published as a plain folder (under the server's volumes.allow)."""
    return Path(root) / "volumes" / "www" / "site"


def workload_file(root, site, lib, npm_upstream, storage):
    return f"""name: site
source: {{ kind: static-site, config: {{ repo: "{site.url}", folder: public }} }}
publish: [ {{ dir: "{publish_dir(root)}" }} ]
triggers:
  - {{ kind: manual, action: deploy }}
  - {{ id: site-hook, kind: git-push, action: deploy, config: {{ secret: "{HOOK_SECRET}", branches: [main] }} }}
---
name: site-prod
parent: site
source: {{ kind: static-site, config: {{ repo: "{site.url}", folder: public }} }}
---
name: composer
source:
  kind: composer-repo
  config:
    vcs: [ {{ url: "{lib.url}" }} ]
---
name: npm
source:
  kind: npm-mirror
  config: {{ storage: verdaccio, upstream: "{npm_upstream.base}", concurrency: 2, retries: 1 }}
volumes: [ {{ name: verdaccio, scope: absolute, path: "{storage}" }} ]
"""


def github_push(commit, branch="main", fixture=None):
    """GitHub's real push body (the shared fixture), pointed at our branch and commit."""
    fixture = fixture or Path("/work/shared/fixtures/webhooks/github/push.json")
    if not fixture.exists():
        fixture = REPO_ROOT / "Tests" / "GitPushTriggerTests" / "Fixtures" / "github" / "push.json"
    body = json.loads(fixture.read_text())
    body["ref"] = f"refs/heads/{branch}"
    body["after"] = commit
    body["deleted"] = False
    body["head_commit"]["id"] = commit
    return json.dumps(body).encode()


def github_headers(body, delivery, secret=HOOK_SECRET):
    signature = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return {"Content-Type": "application/json", "X-GitHub-Event": "push", "X-GitHub-Delivery": delivery,
            "X-Hub-Signature-256": signature}

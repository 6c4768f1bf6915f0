"""Webhook deliveries as GitHub, Gitea and GitLab send them: the real bodies from the shared
fixtures (go-playground/webhooks test data), pointed at a branch and commit of a local
repository, with each sender's headers, delivery id and signature (HMAC-SHA256 over the raw
body for GitHub and Gitea, the plain token for GitLab)."""

import hashlib
import hmac
import json
from pathlib import Path

from harness import REPO_ROOT

SHARED = Path("/work/shared/fixtures/webhooks")
BUNDLED = REPO_ROOT / "Tests" / "GitPushTriggerTests" / "Fixtures"
FIXTURES = {"github": "github/push.json", "gitea": "gitea/push-event.json", "gitlab": "gitlab/push-event.json"}


def fixture(sender):
    for root in (SHARED, BUNDLED):
        path = root / FIXTURES[sender]
        if path.exists():
            return json.loads(path.read_text())
    raise FileNotFoundError(f"no {FIXTURES[sender]} fixture in {SHARED} or {BUNDLED}")


class Sender:
    def __init__(self, kind, secret):
        self.kind = kind
        self.secret = secret
        self.template = fixture(kind)

    def body(self, commit, branch="main"):
        body = json.loads(json.dumps(self.template))
        body["ref"] = f"refs/heads/{branch}"
        body["after"] = commit
        if isinstance(body.get("head_commit"), dict):
            body["head_commit"]["id"] = commit
        if "checkout_sha" in body:
            body["checkout_sha"] = commit
        if "deleted" in body:
            body["deleted"] = False
        return json.dumps(body).encode()

    def headers(self, body, delivery):
        mac = hmac.new(self.secret.encode(), body, hashlib.sha256).hexdigest()
        if self.kind == "github":
            return {"X-GitHub-Event": "push", "X-GitHub-Delivery": delivery, "X-Hub-Signature-256": "sha256=" + mac}
        if self.kind == "gitea":
            # Gitea also sends GitHub's and Gogs' headers; Ferry must detect it as Gitea.
            return {"X-Gitea-Event": "push", "X-Gitea-Delivery": delivery, "X-Gitea-Signature": mac,
                    "X-GitHub-Event": "push", "X-GitHub-Delivery": delivery, "X-Gogs-Event": "push",
                    "X-Hub-Signature-256": "sha256=" + mac}
        return {"X-Gitlab-Event": "Push Hook", "Idempotency-Key": delivery, "X-Gitlab-Token": self.secret}

import FerryCore
import GitPushTrigger
import Testing

struct ReceiveTests {
    let trigger = GitPushTrigger()

    @Test func giteaWithGitHubHeadersIsVerifiedAsGitea() throws {
        let body = try Hook.fixture("gitea/push-event.json")
        // A valid X-Gitea-Signature and a wrong X-Hub-Signature-256: Gitea's header decides.
        var request = Hook.gitea("push", body)
        request.headers["x-hub-signature-256"] = "sha256=" + String(repeating: "0", count: 64)
        #expect(trigger.receive(request, secret: Hook.secret).accepted?.sender == "gitea")

        // Only GitHub's header, validly signed: still Gitea, so X-Gitea-Signature is missing.
        request = Hook.gitea("push", body, secret: nil)
        request.headers["x-hub-signature-256"] = "sha256=" + Hook.hmacHex(body, secret: Hook.secret)
        let refusal = try #require(trigger.receive(request, secret: Hook.secret).refusal)
        #expect(refusal.sender == "gitea")
        #expect(refusal.reason == "missing X-Gitea-Signature")
    }

    @Test func wrongSignatureIsRefusedWithoutLeakingSecrets() throws {
        let body = try Hook.fixture("github/push.json")
        let request = Hook.github("push", body, secret: "not-the-secret")
        let refusal = try #require(trigger.receive(request, secret: Hook.secret).refusal)
        #expect(refusal.reason == "signature does not match")
        #expect(refusal.deliveryID == "gh-1")
        #expect(!refusal.reason.contains(Hook.secret))
        #expect(!refusal.reason.contains(Hook.hmacHex(body, secret: Hook.secret)))
    }

    @Test func tamperedBodyIsRefused() throws {
        let body = try Hook.fixture("github/push.json")
        var request = Hook.github("push", body)
        request.body = body + Array(" ".utf8)
        #expect(trigger.receive(request, secret: Hook.secret).refusal?.reason == "signature does not match")
    }

    @Test func missingSignatureIsRefused() throws {
        let github = Hook.github("push", try Hook.fixture("github/push.json"), secret: nil)
        #expect(trigger.receive(github, secret: Hook.secret).refusal?.reason == "missing X-Hub-Signature-256")
        let forgejo = Hook.forgejo("push", try Hook.fixture("gitea/push-event.json"), secret: nil)
        #expect(trigger.receive(forgejo, secret: Hook.secret).refusal?.reason == "missing X-Forgejo-Signature")
        // A ping is no exception: the binding has a secret.
        let ping = Hook.github("ping", try Hook.fixture("github/ping.json"), secret: nil)
        #expect(trigger.receive(ping, secret: Hook.secret).refusal != nil)
    }

    @Test func wrongOrMissingGitLabTokenIsRefused() throws {
        let body = try Hook.fixture("gitlab/push-event.json")
        let wrong = try #require(trigger.receive(Hook.gitlab("Push Hook", body, token: "guess"), secret: Hook.secret).refusal)
        #expect(wrong.reason == "token does not match")
        #expect(!wrong.reason.contains(Hook.secret))
        #expect(!wrong.reason.contains("guess"))
        let prefix = Hook.gitlab("Push Hook", body, token: String(Hook.secret.dropLast()))
        #expect(trigger.receive(prefix, secret: Hook.secret).refusal != nil)
        let missing = Hook.gitlab("Push Hook", body, token: nil)
        #expect(trigger.receive(missing, secret: Hook.secret).refusal?.reason == "missing X-Gitlab-Token")
    }

    @Test func noSecretAcceptsUnsignedRequests() throws {
        let github = Hook.github("push", try Hook.fixture("github/push.json"), secret: nil)
        #expect(trigger.receive(github, secret: nil).accepted != nil)
        #expect(trigger.receive(github, secret: "").accepted != nil)
        let gitlab = Hook.gitlab("Push Hook", try Hook.fixture("gitlab/push-event.json"), token: nil)
        #expect(trigger.receive(gitlab, secret: nil).accepted != nil)
    }

    @Test func branchDeletionIsIgnored() throws {
        let zeros = String(repeating: "0", count: 40)
        let body = Array("""
            {"ref":"refs/heads/feature/login","before":"737d38c599c1b2991664dfc6155d6bf516fcce36","after":"\(zeros)",
             "deleted":true,"commits":[],"head_commit":null,"pusher":{"name":"alice"},"repository":{"full_name":"o/r"}}
            """.utf8)
        let ignored = try #require(trigger.receive(Hook.github("push", body), secret: Hook.secret).ignored)
        #expect(ignored.reason == "branch feature/login was deleted")
        #expect(ignored.delivery.commit == nil)
        #expect(ignored.delivery.payload["branch"] == .string("feature/login"))
    }

    @Test func gitlabDeletionByZeroAfterIsIgnored() throws {
        let zeros = String(repeating: "0", count: 40)
        let body = Array("""
            {"object_kind":"push","ref":"refs/heads/dev","before":"95790bf891e76fee5e1747ab589903a6a1f80f22",
             "after":"\(zeros)","checkout_sha":null,"user_username":"bob","commits":[],"total_commits_count":0}
            """.utf8)
        let ignored = try #require(trigger.receive(Hook.gitlab("Push Hook", body), secret: Hook.secret).ignored)
        #expect(ignored.reason == "branch dev was deleted")
    }

    @Test(arguments: [(20, 21, false), (20, 20, true), (3, 3, true)])
    func gitlabTruncatedCommitListMakesPathsUnknown(listed: Int, total: Int, pathsKnown: Bool) throws {
        let commit = #"{"id":"c","added":["public/a.html"],"modified":[],"removed":[]}"#
        let commits = Array(repeating: commit, count: listed).joined(separator: ",")
        let body = Array("""
            {"object_kind":"push","ref":"refs/heads/main","before":"1111111111111111111111111111111111111111",
             "after":"2222222222222222222222222222222222222222","user_username":"bob",
             "commits":[\(commits)],"total_commits_count":\(total)}
            """.utf8)
        let d = try #require(trigger.receive(Hook.gitlab("Push Hook", body), secret: Hook.secret).accepted)
        #expect((d.paths != nil) == pathsKnown)
        #expect(d.payload["pusher"] == .string("bob"))
    }

    @Test func gitlabDeliveryIDPrefersIdempotencyKey() throws {
        let body = try Hook.fixture("gitlab/push-event.json")
        let both = Hook.gitlab("Push Hook", body, extra: ["idempotency-key": "idem", "x-gitlab-webhook-uuid": "hook-uuid"])
        #expect(trigger.receive(both, secret: Hook.secret).accepted?.deliveryID == "idem")

        var webhookOnly = Hook.gitlab("Push Hook", body, extra: ["x-gitlab-webhook-uuid": "hook-uuid"])
        webhookOnly.headers["idempotency-key"] = nil
        #expect(trigger.receive(webhookOnly, secret: Hook.secret).accepted?.deliveryID == "hook-uuid")

        var eventOnly = Hook.gitlab("Push Hook", body)
        eventOnly.headers["idempotency-key"] = nil
        #expect(eventOnly.headers["x-gitlab-event-uuid"] == "event-uuid")
        let d = try #require(trigger.receive(eventOnly, secret: Hook.secret).accepted)
        #expect(d.deliveryID == nil)
    }

    @Test func unknownSenderIsMalformed() {
        let verdict = trigger.receive(IngressRequest(headers: ["x-gogs-event": "push"], body: Array("{}".utf8)), secret: nil)
        #expect(verdict == .malformed(
            sender: nil, deliveryID: nil,
            reason: "no known webhook event header (X-GitHub-Event, X-Gitea-Event, X-Forgejo-Event, X-Gitlab-Event)"))
    }

    @Test func invalidJSONPushIsMalformed() {
        let verdict = trigger.receive(Hook.github("push", Array("{not json".utf8)), secret: Hook.secret)
        #expect(verdict.malformedReason?.contains("not valid JSON") == true)
        let noRef = trigger.receive(Hook.github("push", Array(#"{"after":"abc"}"#.utf8)), secret: Hook.secret)
        #expect(noRef.malformedReason?.contains("\"ref\"") == true)
    }

    @Test func invalidJSONForIgnoredEventIsStillIgnored() throws {
        let verdict = trigger.receive(Hook.github("issues", Array("not json".utf8)), secret: Hook.secret)
        #expect(verdict.ignored?.reason == "event \"issues\" is not acted on")
    }

    @Test func headerNamesAreCaseInsensitive() throws {
        let body = try Hook.fixture("github/push.json")
        let request = IngressRequest(
            headers: ["X-GitHub-Event": "push", "X-Hub-Signature-256": "sha256=" + Hook.hmacHex(body, secret: Hook.secret)],
            body: body)
        #expect(trigger.receive(request, secret: Hook.secret).accepted != nil)
    }

    @Test func githubTagPushNamesTheTaggedCommit() throws {
        let body = Array("""
            {"ref":"refs/tags/v2.0.0","before":"0000000000000000000000000000000000000000",
             "after":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","deleted":false,"commits":[],
             "head_commit":{"id":"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"},"pusher":{"name":"alice"}}
            """.utf8)
        let d = try #require(trigger.receive(Hook.github("push", body), secret: Hook.secret).accepted)
        #expect(d.payload["tag"] == .string("v2.0.0"))
        #expect(d.commit == "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb")
        #expect(d.summary == "tag v2.0.0 pushed by alice: bbbbbbb")
    }

    @Test func schemaMarksSecretAsSecret() {
        #expect(GitPushTrigger.kind == "git-push")
        #expect(GitPushTrigger.mode == .ingress)
        #expect(trigger.id == "trigger.git-push")
        #expect(trigger.schema.property("secret")?.format == .secret)
        #expect(trigger.filterSchema.properties.map(\.name) == ["branches", "tags", "paths"])
    }
}

import FerryCore
import GitPushTrigger
import Testing

/// Every real fixture body, signed as its sender signs it, gets the verdict the issue asks for.
struct FixtureTests {
    let trigger = GitPushTrigger()

    @Test func githubPush() throws {
        let verdict = trigger.receive(Hook.github("push", try Hook.fixture("github/push.json")), secret: Hook.secret)
        let d = try #require(verdict.accepted, "\(verdict)")
        #expect(d.sender == "github")
        #expect(d.event == "push")
        #expect(d.deliveryID == "gh-1")
        #expect(d.commit == "fd489864e7642b48eaad6e3f155c10e46810ec72")
        #expect(d.payload["branch"] == .string("master"))
        #expect(d.payload["commit"] == .string("fd489864e7642b48eaad6e3f155c10e46810ec72"))
        #expect(d.payload["before"] == .string("737d38c599c1b2991664dfc6155d6bf516fcce36"))
        #expect(d.payload["pusher"] == .string("binkkatal"))
        #expect(d.payload["repository"] == .string("binkkatal/sample_app"))
        #expect(d.payload["clone_url"] == .string("https://github.com/binkkatal/sample_app.git"))
        #expect(d.paths == [".razorops.yaml", "app/controllers/application_controller.rb"])
        #expect(d.summary == "push to master by binkkatal: 2 files, fd48986")
    }

    @Test func githubPing() throws {
        let verdict = trigger.receive(Hook.github("ping", try Hook.fixture("github/ping.json")), secret: Hook.secret)
        let ignored = try #require(verdict.ignored, "\(verdict)")
        #expect(ignored.reason == "ping")
        #expect(ignored.delivery.commit == nil)
        #expect(ignored.delivery.deliveryID == "gh-1")
    }

    @Test(arguments: [("create", "github/create.json"), ("delete", "github/delete.json")])
    func githubOtherEventsAreIgnored(_ event: String, _ file: String) throws {
        let verdict = trigger.receive(Hook.github(event, try Hook.fixture(file)), secret: Hook.secret)
        let ignored = try #require(verdict.ignored, "\(verdict)")
        #expect(ignored.reason == "event \"\(event)\" is not acted on")
        #expect(ignored.delivery.commit == nil)
    }

    @Test func giteaPush() throws {
        let verdict = trigger.receive(Hook.gitea("push", try Hook.fixture("gitea/push-event.json")), secret: Hook.secret)
        let d = try #require(verdict.accepted, "\(verdict)")
        #expect(d.sender == "gitea")
        #expect(d.deliveryID == "gitea-1")
        #expect(d.commit == "67b56589a45103f891bdee7c0546e5d40bc02001")
        #expect(d.payload["branch"] == .string("master"))
        #expect(d.payload["pusher"] == .string("example"))
        #expect(d.payload["repository"] == .string("example/example"))
        #expect(d.paths == ["example"])
        #expect(d.summary == "push to master by example: 1 file, 67b5658")
    }

    @Test(arguments: [
        ("create", "gitea/create-event.json"), ("delete", "gitea/delete-event.json"), ("release", "gitea/release-event.json"),
    ])
    func giteaOtherEventsAreIgnored(_ event: String, _ file: String) throws {
        let verdict = trigger.receive(Hook.gitea(event, try Hook.fixture(file)), secret: Hook.secret)
        let ignored = try #require(verdict.ignored, "\(verdict)")
        #expect(ignored.reason == "event \"\(event)\" is not acted on")
        #expect(ignored.delivery.sender == "gitea")
    }

    @Test func forgejoPush() throws {
        let verdict = trigger.receive(Hook.forgejo("push", try Hook.fixture("gitea/push-event.json")), secret: Hook.secret)
        let d = try #require(verdict.accepted, "\(verdict)")
        #expect(d.sender == "forgejo")
        #expect(d.deliveryID == "fj-1")
        #expect(d.commit == "67b56589a45103f891bdee7c0546e5d40bc02001")
    }

    /// Forgejo also sends Gitea's headers, as a Gitea fork; it is still named Forgejo.
    @Test func forgejoWithGiteaCompatibilityHeadersIsNamedForgejo() throws {
        let body = try Hook.fixture("gitea/push-event.json")
        var request = Hook.forgejo("push", body)
        request.headers["x-gitea-event"] = "push"
        request.headers["x-gitea-delivery"] = "fj-1"
        request.headers["x-gitea-signature"] = Hook.hmacHex(body, secret: Hook.secret)
        let d = try #require(trigger.receive(request, secret: Hook.secret).accepted)
        #expect(d.sender == "forgejo")
    }

    @Test func gitlabPush() throws {
        let verdict = trigger.receive(Hook.gitlab("Push Hook", try Hook.fixture("gitlab/push-event.json")), secret: Hook.secret)
        let d = try #require(verdict.accepted, "\(verdict)")
        #expect(d.sender == "gitlab")
        #expect(d.event == "Push Hook")
        #expect(d.commit == "da1560886d4f094c3e6c9ef40349f7d38b5d27d7")
        #expect(d.payload["branch"] == .string("master"))
        #expect(d.payload["pusher"] == .string("John Smith"))
        #expect(d.payload["repository"] == .string("mike/diaspora"))
        #expect(d.payload["clone_url"] == .string("http://example.com/mike/diaspora.git"))
        #expect(d.paths == ["CHANGELOG", "app/controller/application.rb"])
    }

    /// A count no forge sends used to trap in `Int(total)` and stop the whole server.
    @Test func gitlabPushWithAnAbsurdCommitCountIsReadNotTrappedOn() throws {
        let commits = (0..<20).map { i in #"{"id":"c\#(i)","added":["a.txt"],"modified":[],"removed":[]}"# }
        let body = #"{"object_kind":"push","ref":"refs/heads/main","checkout_sha":"c0","total_commits_count":1e300,"#
            + #""project":{"path_with_namespace":"a/b","git_http_url":"http://x/a/b.git"},"commits":["# + commits.joined(separator: ",") + "]}"
        let verdict = trigger.receive(Hook.gitlab("Push Hook", Array(body.utf8)), secret: Hook.secret)
        let d = try #require(verdict.accepted, "\(verdict)")
        // More commits than GitLab listed: the path list is incomplete, so paths are unknown.
        #expect(d.payload["paths"] == .null)
    }

    @Test func gitlabTagPush() throws {
        let verdict = trigger.receive(Hook.gitlab("Tag Push Hook", try Hook.fixture("gitlab/tag-event.json")), secret: Hook.secret)
        let d = try #require(verdict.accepted, "\(verdict)")
        #expect(d.payload["tag"] == .string("v1.0.0"))
        #expect(d.payload["branch"] == nil)
        #expect(d.commit == "82b3d5ae55f7080f1e6022629cdb57bfae7cccc7")
        #expect(d.payload["repository"] == .string("jsmith/example"))
        #expect(d.payload["paths"] == .null)
    }

    @Test func gitlabSystemHookPush() throws {
        let verdict = trigger.receive(Hook.gitlab("System Hook", try Hook.fixture("gitlab/system-push-event.json")), secret: Hook.secret)
        let d = try #require(verdict.accepted, "\(verdict)")
        #expect(d.payload["branch"] == .string("master"))
        #expect(d.commit == "da1560886d4f094c3e6c9ef40349f7d38b5d27d7")
        // System hook commits carry no file lists: paths are unknown, not empty.
        #expect(d.payload["paths"] == .null)
    }

    @Test func gitlabSystemHookOtherEventIsIgnored() throws {
        let body = Array(#"{"event_name":"project_create","name":"x"}"#.utf8)
        let ignored = try #require(trigger.receive(Hook.gitlab("System Hook", body), secret: Hook.secret).ignored)
        #expect(ignored.reason == "event \"System Hook\" is not acted on")
    }

    @Test func gitlabOtherEventIsIgnored() throws {
        let ignored = try #require(trigger.receive(Hook.gitlab("Merge Request Hook", Array("{}".utf8)), secret: Hook.secret).ignored)
        #expect(ignored.reason == "event \"Merge Request Hook\" is not acted on")
    }
}

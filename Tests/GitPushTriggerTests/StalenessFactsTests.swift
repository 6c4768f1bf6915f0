import FerryCore
import GitPushTrigger
import Testing

/// What the engine needs to tell a stale push from a new one is in every accepted delivery:
/// whether the sender marked it forced, and the time it lists for the pushed commit itself.
struct StalenessFactsTests {
    let trigger = GitPushTrigger()

    @Test func githubSaysWhetherThePushWasForcedAndWhenTheCommitWasMade() throws {
        let d = try #require(trigger.receive(Hook.github("push", try Hook.fixture("github/push.json")), secret: Hook.secret).accepted)
        #expect(d.payload["forced"] == .bool(false))
        #expect(d.payload["commit_timestamp"] == .string("2018-06-29T19:34:13+05:30"))
    }

    @Test func giteaAndGitlabListTheCommitTimeButNeverMarkAForcePush() throws {
        let gitea = try #require(trigger.receive(Hook.gitea("push", try Hook.fixture("gitea/push-event.json")), secret: Hook.secret).accepted)
        #expect(gitea.payload["forced"] == .bool(false))
        #expect(gitea.payload["commit_timestamp"] == .string("2022-03-09T16:23:39+09:00"))
        let gitlab = try #require(trigger.receive(Hook.gitlab("Push Hook", try Hook.fixture("gitlab/push-event.json")), secret: Hook.secret).accepted)
        #expect(gitlab.payload["forced"] == .bool(false))
        #expect(gitlab.payload["commit_timestamp"] == .string("2012-01-03T23:36:29+02:00"), "from the commits entry of the pushed commit")
    }

    @Test func aTimeListedForAnotherCommitIsNotTakenForThePushedOne() throws {
        let body = try Hook.fixture("github/push.json")
        let text = String(decoding: body, as: UTF8.self)
            .replacingOccurrences(of: "\"after\": \"fd489864e7642b48eaad6e3f155c10e46810ec72\"", with: "\"after\": \"\(String(repeating: "ab", count: 20))\"")
            .replacingOccurrences(of: "\"forced\": false", with: "\"forced\": true")
        let d = try #require(trigger.receive(Hook.github("push", Array(text.utf8)), secret: Hook.secret).accepted)
        #expect(d.commit == String(repeating: "ab", count: 20))
        #expect(d.payload["forced"] == .bool(true))
        #expect(d.payload["commit_timestamp"] == .null)
    }

    @Test func theSchemaOffersInsecureForSendersThatCannotSign() {
        #expect(trigger.schema.properties.contains { $0.name == "insecure" })
    }
}

import FerryCore
import FerryTestSupport
import Foundation
import HTTPTypes
import PluginTestKit
import Testing

/// Webhooks that cannot be forged or replayed into the past: every hook has a secret unless
/// its config says `insecure: true`, hook ids cannot be guessed, and an old signed push sent
/// again does not roll a workload back.
@Suite(.offPool) struct WebhookTrustTests {
    private func hooked(_ name: String, repo: GitRepo, config: String = "{ branches: [main] }") -> String {
        siteWorkload(name, repo: repo) + "\ntriggers: [ { kind: git-push, action: deploy, config: \(config) } ]"
    }

    @Test func anInlineTriggerWithoutASecretGetsOneShownOnceAndKeptOnReapply() async throws {
        try await TestFerry.run { client, engine, temp in
            let repo = try GitRepo(in: temp)
            try repo.commit(["public/index.html": "one"])
            let first = try await client.apply(hooked("gen", repo: repo))
            let stored = try #require(try engine.database.workload("gen"))
            let id = try #require(stored.spec.triggers[0].id)
            #expect(id.hasPrefix("gen-") && id.count == "gen-".count + 16, "not a random id: \(id)")
            #expect(id.range(of: WorkloadValidator.namePattern, options: .regularExpression) != nil)
            let secret = try #require(first[path: "0.secrets"][id]?.stringValue)
            #expect(secret.count == 48)
            #expect(first[path: "0.hooks"][id]?.plainText.hasSuffix("/hooks/\(id)") == true)
            #expect(stored.spec.triggers[0].config["secret"]?.plainText.hasPrefix("enc:v1:") == true)

            let again = try await client.apply(hooked("gen", repo: repo))
            #expect(again[path: "0.result"] == .string("unchanged"))
            #expect(again[path: "0.secrets"] == .null)
            #expect(try engine.database.workload("gen")?.generation == 1)
            #expect(try engine.database.bindings().map(\.id).contains(id))
            #expect(!(try await client.page("/api/workloads/gen").1.contains(secret)))

            // A changed file keeps the hook URL and its secret.
            let changed = try await client.apply(hooked("gen", repo: repo, config: "{ branches: [main, dev] }"))
            #expect(changed[path: "0.result"] == .string("updated"))
            #expect(changed[path: "0.secrets"] == .null)
            let body = try Webhook.githubPush(branch: "main", commit: try repo.git("rev-parse", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines))
            #expect(try await client.deliver(to: id, body: body, secret: secret).0 == .accepted)

            // Another workload's random id differs.
            try await client.apply(hooked("gen2", repo: repo))
            #expect(try engine.database.workload("gen2")?.spec.triggers[0].id != id)
        }
    }

    @Test func anExplicitIdIsKeptAndATakenOneIsAConflict() async throws {
        try await TestFerry.run { client, engine, temp in
            let repo = try GitRepo(in: temp)
            try repo.commit(["public/index.html": "x"])
            let doc = siteWorkload("named", repo: repo) + "\ntriggers: [ { id: named-hook, kind: git-push, config: {} } ]"
            try await client.apply(doc)
            #expect(try engine.binding("named-hook").owner == "named")
            let clash = siteWorkload("other", repo: repo) + "\ntriggers: [ { id: named-hook, kind: git-push, config: {} } ]"
            let response = try await client.send(.post, "/api/apply", clash, contentType: "application/yaml")
            #expect(response.status == .conflict)
            #expect(try engine.database.workload("other") == nil)
            let bad = siteWorkload("bad", repo: repo) + "\ntriggers: [ { id: Bad.Id, kind: git-push } ]"
            #expect(try await client.send(.post, "/api/apply", bad, contentType: "application/yaml").status == .badRequest)
        }
    }

    @Test func unsignedDeliveriesAreRefusedUnlessTheBindingSaysInsecure() async throws {
        try await TestFerry.run { client, engine, temp in
            let repo = try GitRepo(in: temp)
            let commit = try repo.commit(["public/index.html": "open"])
            try await client.apply(hooked("signed", repo: repo))
            let signedID = try #require(try engine.database.workload("signed")?.spec.triggers[0].id)
            let body = try Webhook.githubPush(branch: "main", commit: commit)
            #expect(try await client.deliver(to: signedID, body: body, secret: nil).0 == .unauthorized)

            try await client.apply(hooked("open", repo: repo, config: "{ insecure: true, branches: [main] }"))
            let stored = try #require(try engine.database.workload("open"))
            #expect(stored.spec.triggers[0].config["secret"] == nil)
            let openID = try #require(stored.spec.triggers[0].id)
            let (status, answer) = try await client.deliver(to: openID, body: body, secret: nil)
            #expect(status == .accepted, "\(answer)")

            let refused = try engine.database.events(outcome: .refused).filter { $0.bindingID == signedID }
            #expect(refused.count == 1)
            #expect(refused.first?.reason?.contains("missing X-Hub-Signature-256") == true, "\(refused.map { $0.reason ?? "" })")
        }
    }

    @Test func anOldSignedPushSentAgainIsStaleAndAForcedPushIsNot() async throws {
        try await TestFerry.run { client, engine, temp in
            let repo = try GitRepo(in: temp)
            let old = try repo.commit(["public/index.html": "old"])
            let applied = try await client.apply(hooked("replay", repo: repo))
            let id = try #require(try engine.database.workload("replay")?.spec.triggers[0].id)
            let secret = try #require(applied[path: "0.secrets"][id]?.stringValue)

            let oldBody = try Webhook.githubPush(branch: "main", commit: old)
            try await deployed(client, try await client.deliver(to: id, delivery: "d-old", body: oldBody, secret: secret))
            let new = try repo.commit(["public/index.html": "new"])
            try await deployed(client, try await client.deliver(to: id, delivery: "d-new", body: try Webhook.githubPush(branch: "main", commit: new, before: old), secret: secret))
            #expect(try await client.page("/sites/replay/").1 == "new")

            let jobsBefore = try engine.database.jobs(workload: "replay").count
            let (status, answer) = try await client.deliver(to: id, delivery: "d-replayed", body: oldBody, secret: secret)
            #expect(status == .accepted, "\(answer)")
            #expect(answer["outcome"] == .string("stale"), "\(answer)")
            #expect(answer["jobs"] == .array([]))
            #expect(try engine.database.jobs(workload: "replay").count == jobsBefore)
            #expect(try engine.database.events(outcome: .stale).first?.reason?.contains("stale") == true)
            #expect(try await client.page("/sites/replay/").1 == "new")

            // Moving the branch back on purpose is a force push, and GitHub says so.
            let forced = try Webhook.githubPush(branch: "main", commit: old, before: new, forced: true)
            try await deployed(client, try await client.deliver(to: id, delivery: "d-forced", body: forced, secret: secret))
            #expect(try await client.page("/sites/replay/").1 == "old")
        }
    }

    /// Waits for the one job a delivery queued and expects it to succeed.
    private func deployed(_ client: TestFerry.Client, _ delivery: (HTTPResponse.Status, JSONValue)) async throws {
        #expect(delivery.0 == .accepted, "\(delivery.1)")
        guard case .array(let jobs) = delivery.1["jobs"] ?? .null, jobs.count == 1 else { Issue.record("no job: \(delivery.1)"); return }
        #expect(try await client.waitFor(job: jobs[0].plainText)["state"] == .string("succeeded"))
    }
}

import FerryCore
import FerryTestSupport
import Foundation
import PluginTestKit
import Testing

/// Webhooks from a git host: verified, recorded, filtered, and turned into deploys of exactly
/// the pushed commit.
@Suite(.offPool) struct GitPushTests {
    @Test func aPushToABareRepoAndItsWebhookMakeThePushedCommitLive() async throws {
        let logs = LogCapture()
        try await TestFerry.run(logs: logs) { client, engine, temp in
            // The git host: a bare repository the workload fetches from; a clone pushes to it.
            let hub = temp.appendingPathComponent("hub.git")
            try Shell.run(["git", "init", "-q", "--bare", "-b", "main", hub.path])
            let repo = try GitRepo(in: temp)
            try repo.git("remote", "add", "origin", hub.path)
            try repo.commit(["public/index.html": "before the push"])
            try repo.git("push", "-q", "origin", "main")
            try await client.apply(siteWorkload("hooked", repo: GitRepo(existing: hub)))
            let secret = try await client.gitPushBinding("hooked-hook", targets: [("hooked", .object(["branches": .array([.string("main")])]))])
            let listed = try await client.json("/api/bindings/hooked-hook")
            #expect(listed[path: "config.secret"] == .string("set"))
            #expect(listed["secret"] == nil)
            #expect(listed["hookURL"]?.plainText.hasSuffix("/hooks/hooked-hook") == true)

            let pushed = try repo.commit(["public/index.html": "after the push"])
            try repo.git("push", "-q", "origin", "main")
            try repo.commit(["public/index.html": "a later commit the hook did not name"])
            try repo.git("push", "-q", "origin", "main")
            let body = try Webhook.githubPush(branch: "main", commit: pushed)
            let (status, answer) = try await client.deliver(to: "hooked-hook", delivery: "d-1", body: body, secret: secret)
            #expect(status == .accepted, "\(answer)")
            guard case .array(let jobs) = answer["jobs"] ?? .null, jobs.count == 1 else { Issue.record("no job: \(answer)"); return }
            let job = try await client.waitFor(job: jobs[0].plainText)
            #expect(job["state"] == .string("succeeded"), "\(job)")
            #expect(job[path: "revision.id"] == .string(pushed))
            #expect(try await client.page("/sites/hooked/").1 == "after the push")

            let (again, duplicate) = try await client.deliver(to: "hooked-hook", delivery: "d-1", body: body, secret: secret)
            #expect(again == .ok)
            #expect(duplicate["outcome"] == .string("duplicate"))
            #expect(duplicate["jobs"] == .array([]))
            #expect(try engine.database.jobs(workload: "hooked").count == 1)

            let (refused, _) = try await client.deliver(to: "hooked-hook", body: body, secret: secret + "x")
            #expect(refused == .unauthorized)
            #expect(!logs.text.contains(secret), "the server's log shows the binding secret")
            #expect(!logs.text.isEmpty)
        }
    }

    @Test func refusedIgnoredAndOversizeDeliveriesStartNothingAndAreListed() async throws {
        try await TestFerry.run { client, engine, temp in
            let repo = try GitRepo(in: temp)
            let commit = try repo.commit(["public/index.html": "x"])
            try await client.apply(siteWorkload("quiet", repo: repo))
            let secret = try await client.gitPushBinding("quiet-hook", targets: [("quiet", .object([:]))])
            let body = try Webhook.githubPush(branch: "main", commit: commit)

            #expect(try await client.deliver(to: "quiet-hook", body: body, secret: "wrong secret").0 == .unauthorized)
            #expect(try await client.deliver(to: "quiet-hook", body: body, secret: nil).0 == .unauthorized)
            let ping = String(decoding: try Webhook.fixture("github-ping").canonicalData(), as: UTF8.self)
            #expect(try await client.deliver(to: "quiet-hook", event: "ping", body: ping, secret: secret).0 == .ok)
            let deletion = try Webhook.githubPush(branch: "main", commit: String(repeating: "0", count: 40))
            #expect(try await client.deliver(to: "quiet-hook", body: deletion, secret: secret).0 == .accepted)
            let huge = String(repeating: "x", count: 2 << 20)
            #expect(try await client.deliver(to: "quiet-hook", body: huge, secret: secret).0 == .contentTooLarge)
            // An unknown binding id is answered but stores nothing (HookLimitsTests counts it).
            #expect(try await client.deliver(to: "no-such-hook", body: body, secret: secret).0 == .notFound)

            #expect(try engine.database.jobs(workload: "quiet").isEmpty)
            let events = try engine.database.events(limit: 20).filter { $0.kind == "git-push" }
            #expect(events.count == 5)
            #expect(events.filter { $0.outcome == .refused }.count == 3)
            #expect(events.filter { $0.outcome == .ignored }.count == 2)
            #expect(events.allSatisfy { $0.reason?.isEmpty == false })
            #expect(events.allSatisfy { !($0.reason ?? "").contains(secret) })
            let listed = try await client.json("/api/events?outcome=refused")
            guard case .array(let refused) = listed else { Issue.record("events is not a list"); return }
            #expect(refused.count == 3)
        }
    }

    @Test func oneBindingFansOutToTwoWorkloadsWithTheirOwnFilters() async throws {
        try await TestFerry.run { client, engine, temp in
            let repo = try GitRepo(in: temp)
            let commit = try repo.commit(["public/index.html": "fan", "docs/readme.md": "# docs"])
            try await client.apply(siteWorkload("fan-a", repo: repo))
            try await client.apply(siteWorkload("fan-b", repo: repo))
            try await client.apply(siteWorkload("fan-c", repo: repo))
            let secret = try await client.gitPushBinding("fan-hook", targets: [
                ("fan-a", .object([:])),
                ("fan-b", .object(["paths": .array([.string("public/**")])])),
                ("fan-c", .object(["branches": .array([.string("release/*")])])),
            ])
            let body = try Webhook.githubPush(branch: "main", commit: commit, paths: ["public/index.html"])
            let (status, answer) = try await client.deliver(to: "fan-hook", body: body, secret: secret)
            #expect(status == .accepted)
            guard case .array(let jobs) = answer["jobs"] ?? .null else { Issue.record("no jobs"); return }
            #expect(jobs.count == 2)
            for job in jobs { #expect(try await client.waitFor(job: job.plainText)["state"] == .string("succeeded")) }
            #expect(try engine.database.jobs(workload: "fan-c").isEmpty)
            let event = try #require(try engine.database.events(kind: "git-push").first)
            #expect(event.reason?.contains("fan-c: branch main does not match") == true, "\(event.reason ?? "")")

            let docsOnly = try Webhook.githubPush(branch: "main", commit: commit, paths: ["docs/readme.md"])
            let (_, second) = try await client.deliver(to: "fan-hook", body: docsOnly, secret: secret)
            guard case .array(let secondJobs) = second["jobs"] ?? .null else { Issue.record("no jobs list"); return }
            #expect(secondJobs.count == 1, "only fan-a has no path filter: \(second)")
            let latest = try #require(try engine.database.events(kind: "git-push").first)
            #expect(latest.reason?.contains("fan-b: no changed path matches") == true, "\(latest.reason ?? "")")
        }
    }

    @Test func anInlineTriggerSecretIsSealedAndNeverShown() async throws {
        try await TestFerry.run { client, engine, temp in
            let repo = try GitRepo(in: temp)
            let commit = try repo.commit(["public/index.html": "inline"])
            let secret = "inline-hook-secret-123"
            let document = siteWorkload("inline", repo: repo) + "\ntriggers: [ { kind: git-push, action: deploy, config: { secret: \"\(secret)\", branches: [main] } } ]"
            try await client.apply(document)
            #expect(try await client.apply(document)[path: "0.result"] == .string("unchanged"))

            let stored = try #require(try engine.database.workload("inline"))
            #expect(stored.spec.triggers[0].config["secret"]?.plainText.hasPrefix("enc:v1:") == true)
            let id = try #require(stored.spec.triggers[0].id)
            for uri in ["/api/workloads/inline", "/api/workloads", "/api/bindings", "/api/bindings/\(id)"] {
                #expect(!(try await client.page(uri).1.contains(secret)), "\(uri) shows the secret")
            }
            let body = try Webhook.githubPush(branch: "main", commit: commit)
            let (status, answer) = try await client.deliver(to: id, body: body, secret: secret)
            #expect(status == .accepted, "\(answer)")
            #expect(try await client.deliver(to: id, body: body, secret: "not it").0 == .unauthorized)
        }
    }
}

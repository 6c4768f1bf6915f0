import Crypto
import FerryCore
import FerryEngine
@testable import FerryServer
import FerryTestSupport
import Foundation
import PluginTestKit
import Testing

/// Outbound notifications: stored in an outbox before they are sent, signed like Standard
/// Webhooks, retried with back-off, folded when they flood, and never carrying a secret.
@Suite(.offPool) struct NotificationTests {
    static let secret = "whsec_" + Data("test-signing-key".utf8).base64EncodedString()

    static func target(_ url: String, kind: NotificationSettings.Target.Kind = .webhook, events: Set<NotificationEvent> = NotificationSettings.Target.defaultEvents, perMinute: Int = 20) -> NotificationSettings.Target {
        .init(name: "team", kind: kind, url: url, secret: kind == .webhook ? secret : nil, events: events, perMinute: perMinute)
    }

    @Test func aFailingDeployIsToldOnceSignedAndWithoutItsSecret() async throws {
        let receiver = NotificationReceiver()
        try await receiver.run { base in
            try await TestFerry.run(configure: { config in
                config.notifications.targets = [Self.target(base + "/hook/secret-path-123")]
                config.notifications.firstRetry = .milliseconds(50)
            }) { client, _, temp in
                let hidden = "s3cr3t-in-path"
                let workload = """
                    name: told
                    source: { kind: static-site, config: { repo: "file://\(temp.path)/\(hidden)/missing", folder: public } }
                    env: { TOKEN: { secret: true, value: "\(hidden)" } }
                    """
                try await client.apply(workload)
                for _ in 0..<3 { #expect(try await client.run("told")["state"] == .string("failed")) }
                let arrived = try await Self.waitFor(receiver) { $0.count >= 2 }
                let types = arrived.compactMap { $0.json?["type"] as? String }
                #expect(types.filter { $0 == "workload.failing" }.count == 1, "one message per state change: \(types)")
                #expect(types.contains("job.failed"))
                #expect(arrived.contains { String(decoding: $0.body, as: UTF8.self).contains("***") }, "the failure quoted the secret, masked")
                for message in arrived {
                    let text = String(decoding: message.body, as: UTF8.self)
                    #expect(!text.contains(hidden), "a secret reached a notification: \(text)")
                    // Standard Webhooks: v1,base64(HMAC-SHA256(key, id.timestamp.body)).
                    let id = try #require(message.headers["webhook-id"]), timestamp = try #require(message.headers["webhook-timestamp"])
                    let key = SymmetricKey(data: Data(base64Encoded: String(Self.secret.dropFirst("whsec_".count)))!)
                    let expected = Data(HMAC<SHA256>.authenticationCode(for: Data("\(id).\(timestamp).".utf8) + Data(message.body), using: key)).base64EncodedString()
                    #expect(message.headers["webhook-signature"] == "v1,\(expected)")
                    #expect(abs(Double(timestamp)! - Date().timeIntervalSince1970) < 120)
                }
                let listed = try await client.json("/api/notifications")
                #expect(listed.arrayValue?.contains { $0["state"] == .string("sent") && $0["lastStatus"] == .number(200) } == true)
                #expect(!String(decoding: listed.canonicalData(), as: UTF8.self).contains("secret-path-123"), "the target URL is never shown")
            }
        }
    }

    @Test func aTargetThatIsDownNeverSlowsAJobAndIsGivenUpAfterItsAttempts() async throws {
        let receiver = NotificationReceiver()
        receiver.answer(500)
        try await receiver.run { base in
            try await TestFerry.run(configure: { config in
                config.notifications.targets = [Self.target(base + "/down", events: [.jobSucceeded])]
                config.notifications.firstRetry = .milliseconds(50)
                config.notifications.maxRetry = .milliseconds(100)
                config.notifications.attempts = 3
            }) { client, _, temp in
                let repo = try GitRepo(in: temp)
                try repo.commit(["public/index.html": "up"])
                try await client.apply(siteWorkload("steady", repo: repo))
                let started = Date()
                #expect(try await client.run("steady")["state"] == .string("succeeded"))
                #expect(Date().timeIntervalSince(started) < 30)
                _ = try await Self.waitFor(receiver) { $0.count >= 3 }
                var row: JSONValue = .null
                for _ in 0..<100 {
                    row = try await client.json("/api/notifications").arrayValue?.first ?? .null
                    if row["state"] == .string("failed") { break }
                    try await Task.sleep(for: .milliseconds(50))
                }
                #expect(row["state"] == .string("failed") && row["attempts"] == .number(3) && row["lastStatus"] == .number(500), "\(row)")
                #expect(row["lastError"]?.stringValue?.contains("HTTP 500") == true)
                #expect(receiver.received.count == 3, "no attempt after the last")
            }
        }
    }

    @Test func aFloodIsFoldedAndDigestedWithinTheRateLimit() async throws {
        let receiver = NotificationReceiver()
        try await receiver.run { base in
            try await TestFerry.run(configure: { config in
                config.notifications.targets = [Self.target(base + "/flood", kind: .slack, events: [.bindingRefused], perMinute: 2)]
            }) { client, engine, temp in
                let repo = try GitRepo(in: temp)
                let commit = try repo.commit(["public/index.html": "x"])
                var bindings: [String] = []
                for i in 0..<4 {
                    try await client.apply(siteWorkload("flood\(i)", repo: repo) + "\ntriggers: [ { kind: git-push, action: deploy } ]")
                    bindings.append(try #require(try engine.database.workload("flood\(i)")?.spec.triggers[0].id))
                }
                let body = try Webhook.githubPush(branch: "main", commit: commit)
                var refused = 0
                for round in 0..<5 {
                    for binding in bindings {
                        let (status, _) = try await client.deliver(to: binding, delivery: "d\(round)-\(binding)", body: body, secret: "wrong")
                        if status == .unauthorized { refused += 1 }
                    }
                }
                #expect(refused == 20)
                try await Task.sleep(for: .seconds(1))
                let arrived = receiver.received
                #expect(arrived.count <= 2, "the rate limit holds: \(arrived.count) messages")
                #expect(arrived.allSatisfy { ($0.json?["text"] as? String) != nil }, "Slack's shape")
                // Every refusal is accounted for: sent, digested into a sent digest, or still waiting.
                let rows = try await client.json("/api/notifications?limit=1000").arrayValue ?? []
                let counted = rows.filter { $0["event"] != .string("digest") }.reduce(0) { $0 + Int($1["count"]?.numberValue ?? 0) }
                #expect(counted == 20, "\(rows.map { "\($0["event"]!.plainText) \($0["state"]!.plainText) ×\($0["count"]!.plainText)" })")
                #expect(rows.contains { $0["count"]?.numberValue ?? 0 > 1 || $0["event"] == .string("digest") }, "folded")
            }
        }
    }

    @Test func aWorkloadCanMuteItselfOrChooseItsOwnEvents() async throws {
        let receiver = NotificationReceiver()
        try await receiver.run { base in
            try await TestFerry.run(configure: { config in
                config.notifications.targets = [Self.target(base + "/own", events: [.jobFailed])]
            }) { client, _, temp in
                let repo = try GitRepo(in: temp)
                try repo.commit(["public/index.html": "own"])
                try await client.apply(siteWorkload("quiet", repo: repo, folder: "missing") + "\nnotify: { mute: true }")
                try await client.apply(siteWorkload("chatty", repo: repo) + "\nnotify: { events: [deploy] }")
                #expect(try await client.run("quiet")["state"] == .string("failed"))
                #expect(try await client.run("chatty")["state"] == .string("succeeded"))
                let arrived = try await Self.waitFor(receiver) { !$0.isEmpty }
                try await Task.sleep(for: .milliseconds(500))
                let told = receiver.received.map { "\($0.json?["type"] as? String ?? "?") \($0.json?["workload"] as? String ?? "?")" }
                #expect(told == ["deploy chatty"], "\(told) (first: \(arrived.count))")
                let bad = try await client.send(.post, "/api/apply", siteWorkload("typo", repo: repo) + "\nnotify: { events: [deploys] }", contentType: "application/yaml")
                #expect(bad.status == .badRequest)
                #expect(try client.decode(bad)[path: "error.field"] == .string("notify.events.0"))
            }
        }
    }

    @Test func configErrorsNameTheField() {
        let missing = JSONValue.object(["targets": .array([.object(["name": .string("ops"), "kind": .string("discord"), "urlEnv": .string("NOPE")])])])
        #expect(throws: FerryError.self) { try NotificationConfig.read(missing, environment: [:]) }
        do { _ = try NotificationConfig.read(missing, environment: [:]) } catch { #expect(error.field == "notifications.targets.0.urlEnv") }
        let fine = try? NotificationConfig.read(missing, environment: ["NOPE": "https://discord.example/api/webhooks/1/abc"])
        #expect(fine?.targets.first?.kind == .discord)
        let signedSlack = JSONValue.object(["targets": .array([.object(["name": .string("s"), "kind": .string("slack"), "url": .string("https://x.example/"), "secretEnv": .string("K")])])])
        do { _ = try NotificationConfig.read(signedSlack, environment: ["K": "k"]); Issue.record("a signed slack target was accepted") } catch {
            #expect(error.field == "notifications.targets.0.secretEnv")
        }
    }

    static func waitFor(_ receiver: NotificationReceiver, _ done: ([NotificationReceiver.Received]) -> Bool) async throws -> [NotificationReceiver.Received] {
        for _ in 0..<200 {
            let got = receiver.received
            if done(got) { return got }
            try await Task.sleep(for: .milliseconds(50))
        }
        return receiver.received
    }
}

import FerryCore
import Foundation
import PluginTestKit
import Testing
@testable import RegistryPollTrigger

/// An npm packument that changes mid-test: the first version seen is a baseline, each change
/// fires exactly once with the new version as revision, a 304 costs nothing, and a restart
/// does not fire again.
@Suite struct NpmPollTests {
    /// Serves `left-pad` at `version`, with an ETag per version and 304 for a matching If-None-Match.
    final class Registry: Sendable {
        let server: LoopbackServer
        init() throws { server = try LoopbackServer() }
        func publish(_ latest: String, versions: [String]) {
            let body = packument("left-pad", latest: latest, versions: versions)
            let etag = "\"v-\(latest)\""
            server.answer { request in
                guard request.path == "/left-pad" else { return .init(status: 404) }
                if request.headers["if-none-match"] == etag { return .init(status: 304, headers: ["ETag": etag]) }
                return .json(body, headers: ["ETag": etag])
            }
        }
    }

    func config(_ base: String) -> JSONValue {
        .object([
            "interval": .string("5m"), "npm": .object(["registry": .string(base), "package": .string("left-pad")]),
            "params": .object(["version": .string("$version")]),
        ])
    }

    @Test func firesOncePerChangeAndNotOnRestart() async throws {
        let registry = try Registry()
        defer { registry.server.stop() }
        registry.publish("1.0.0", versions: ["1.0.0"])
        let records = MemoryRecords()
        let ctx = pollContext(config(registry.server.base), records: records)
        let task = Task { try await RegistryPollTrigger().watch(ctx) }
        defer { task.cancel() }

        try await ctx.clock.waitForSleepers()
        #expect(ctx.fired.isEmpty, "the first version seen is a baseline")
        #expect(ctx.recorded.map(\.outcome) == [.ignored])
        #expect(ctx.recorded.first?.reason.contains("baseline") == true)

        try await ctx.clock.step()
        #expect(ctx.fired.isEmpty)
        #expect(registry.server.requests.last?.headers["if-none-match"] == "\"v-1.0.0\"")

        registry.publish("1.1.0", versions: ["1.0.0", "1.1.0"])
        try await ctx.clock.step()
        try await ctx.clock.step()
        #expect(ctx.fired.count == 1)
        let firing = try #require(ctx.fired.first)
        #expect(firing.revision == Revision(id: "1.1.0", label: "left-pad@1.1.0"))
        #expect(firing.params == .object(["version": .string("1.1.0")]))
        #expect(firing.deliveryID == "npm:left-pad@latest@1.1.0")
        #expect(firing.payload["previous"] == .string("1.0.0"))
        task.cancel()
        _ = await task.result

        // Restart with the same records: the stored ETag gets a 304, nothing fires.
        let again = pollContext(config(registry.server.base), records: records)
        let second = Task { try await RegistryPollTrigger().watch(again) }
        defer { second.cancel() }
        try await again.clock.waitForSleepers()
        #expect(again.fired.isEmpty && again.recorded.isEmpty)
        #expect(registry.server.requests.last?.headers["if-none-match"] == "\"v-1.1.0\"")

        // A change while Ferry was down fires once after the restart.
        registry.publish("2.0.0", versions: ["1.0.0", "1.1.0", "2.0.0"])
        try await again.clock.step()
        #expect(again.fired.map(\.revision?.id) == ["2.0.0"])
    }

    @Test func authHeaderComesFromTheWorkloadEnvAndNeverShows() async throws {
        let server = try LoopbackServer()
        defer { server.stop() }
        server.answer { request in
            request.headers["authorization"] == "Bearer s3cret-token"
                ? .json(packument("left-pad", latest: "1.0.0", versions: ["1.0.0"])) : .init(status: 401)
        }
        var document = config(server.base).objectValue!
        document["auth"] = .object(["env": .string("NPM_TOKEN")])
        let good = pollContext(.object(document), env: ["NPM_TOKEN": "s3cret-token"])
        var p = try poller(good)
        _ = try await p.poll(good)
        #expect(p.state.delivered == "1.0.0")

        let wrong = pollContext(.object(document), env: ["NPM_TOKEN": "wrong"])
        var q = try poller(wrong)
        _ = try await q.poll(wrong)
        let status = try #require(wrong.lastStatus)
        #expect(status["state"] == .string("failing"))
        #expect(status["error"]?.stringValue?.contains("401") == true)
        #expect(!"\(status)".contains("wrong"))

        let missing = pollContext(.object(document), env: [:])
        var r = try poller(missing)
        _ = try await r.poll(missing)
        #expect(missing.lastStatus?["error"]?.stringValue?.contains("config.auth.env") == true)
    }
}

import FerryCore
import Foundation
import PluginTestKit
import Testing
@testable import RegistryPollTrigger

/// Composer p2 files and OCI tag lists that change their answer mid-test.
@Suite struct ComposerAndOCIPollTests {
    @Test func composerPackageFiresOnANewStableVersionAndHonoursIfModifiedSince() async throws {
        let server = try LoopbackServer()
        defer { server.stop() }
        func publish(_ versions: [String], modified: String) {
            let body = p2("acme/lib", versions: versions)
            server.answer { request in
                guard request.path == "/p2/acme/lib.json" else { return .init(status: 404) }
                if request.headers["if-modified-since"] == modified { return .init(status: 304) }
                return .json(body, headers: ["Last-Modified": modified])
            }
        }
        publish(["1.0.0", "1.1.0-beta1"], modified: "Mon, 23 Nov 2026 04:00:00 GMT")
        let records = MemoryRecords()
        let ctx = pollContext(.object(["composer": .object(["url": .string(server.base), "package": .string("acme/lib")])]), records: records)
        var p = try poller(ctx)
        #expect(try await p.poll(ctx) == 300)
        #expect(p.state.delivered == "1.0.0", "a prerelease is not newest while a stable version exists")
        _ = try await p.poll(ctx)
        #expect(server.requests.last?.headers["if-modified-since"] == "Mon, 23 Nov 2026 04:00:00 GMT")
        #expect(ctx.fired.isEmpty)

        publish(["1.0.0", "1.1.0-beta1", "1.2.0"], modified: "Mon, 23 Nov 2026 04:10:00 GMT")
        _ = try await p.poll(ctx)
        _ = try await p.poll(ctx)
        #expect(ctx.fired.map(\.revision?.id) == ["1.2.0"])

        // Restart: same records, same answer, nothing fires.
        let again = pollContext(ctx.binding.config, records: records)
        var q = try poller(again)
        _ = try await q.poll(again)
        #expect(again.fired.isEmpty && again.recorded.isEmpty)
    }

    @Test func ociTagsFollowTheSemverPolicyNewestWins() async throws {
        let server = try LoopbackServer()
        defer { server.stop() }
        func tags(_ list: [String]) {
            server.answer { request in
                request.path == "/v2/acme/app/tags/list" ? .json(tagsList("acme/app", list)) : .init(status: 404)
            }
        }
        tags(["latest", "1.0.0", "1.1.0", "2.0.0-rc.1", "0.9.0"])
        let ctx = pollContext(.object(["oci": .object([
            "registry": .string(server.base), "repository": .string("acme/app"), "semver": .string(">=1.0.0 <3.0.0"),
        ])]))
        var p = try poller(ctx)
        _ = try await p.poll(ctx)
        #expect(p.state.delivered == "1.1.0")
        tags(["latest", "1.0.0", "1.1.0", "2.0.0-rc.1", "0.9.0", "1.2.0", "3.0.0"])
        _ = try await p.poll(ctx)
        _ = try await p.poll(ctx)
        #expect(ctx.fired.map(\.revision?.label) == ["acme/app:1.2.0"])
        tags(["latest", "1.0.0", "1.1.0", "2.0.0", "1.2.0", "3.0.0"])
        _ = try await p.poll(ctx)
        #expect(ctx.fired.map(\.revision?.id) == ["1.2.0", "2.0.0"])
    }

    @Test func backsOffOn500sAndRecovers() async throws {
        let server = try LoopbackServer()
        defer { server.stop() }
        server.answer { _ in .init(status: 500, body: "upstream down") }
        let ctx = pollContext(.object(["interval": .string("1m"), "oci": .object([
            "registry": .string(server.base), "repository": .string("acme/app"), "regex": .string("^v[0-9]+$"),
        ])]))
        var p = try poller(ctx)
        var waits: [Double] = []
        for _ in 0..<5 { waits.append(try await p.poll(ctx)) }
        #expect(waits == [0.5, 1, 2, 4, 8])
        #expect(ctx.lastStatus?["state"] == .string("failing"))
        #expect(ctx.lastStatus?["failures"] == .number(5))
        #expect(ctx.lastStatus?["error"]?.stringValue?.contains("500") == true)
        #expect(PollState.backoff(failures: 40) == 900)

        server.answer { _ in .json(tagsList("acme/app", ["v1", "v9", "v10", "beta"])) }
        #expect(try await p.poll(ctx) == 60)
        #expect(ctx.lastStatus?["state"] == .string("ok"))
        #expect(p.state.failures == 0)
        #expect(p.state.delivered == "v10")
        #expect(ctx.fired.isEmpty)
    }

    @Test func wordpressPluginsFireWhenAnyVersionChanges() async throws {
        let server = try LoopbackServer()
        defer { server.stop() }
        let versions = Mutex<[String: String]>(["akismet": "5.3", "classic-editor": "1.6.3"])
        server.answer { request in
            guard request.path.hasPrefix("/plugins/info/1.2/?action=plugin_information&slug="),
                let slug = request.path.components(separatedBy: "slug=").last, let v = versions.withLock({ $0[slug] })
            else { return .json("{\"error\": \"Plugin not found.\"}") }
            return .json("{\"name\": \"\(slug)\", \"slug\": \"\(slug)\", \"version\": \"\(v)\"}")
        }
        let ctx = pollContext(.object(["wordpress": .object(["api": .string(server.base), "plugins": .array([.string("akismet"), .string("classic-editor")])])]))
        var p = try poller(ctx)
        _ = try await p.poll(ctx)
        versions.withLock { $0["akismet"] = "5.3.1" }
        _ = try await p.poll(ctx)
        _ = try await p.poll(ctx)
        #expect(ctx.fired.map(\.revision?.id) == ["akismet@5.3.1,classic-editor@1.6.3"])
    }
}

import Synchronization

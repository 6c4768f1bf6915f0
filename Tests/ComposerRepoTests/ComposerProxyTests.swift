import FerryCore
import FerryTestSupport
import Foundation
import PluginTestKit
import Testing

/// Proxy mode (PACKAGE.broker's use): a composer-repo workload mirrors a private Composer v2
/// repository lazily. The real `composer` installs through Ferry; the upstream's credential
/// stays between Ferry and the upstream; a team keeps installing while the upstream is down;
/// nothing unchecked is ever cached or served.
@Suite(.serialized, .offPool) struct ComposerProxyTests {
    static let credential = "ci-bot:pr1vate-t0ken"
    static var authorization: String { "Basic " + Data(credential.utf8).base64EncodedString() }

    struct Setup: Sendable {
        let temp: TempDir
        let upstream: FakeComposerUpstream

        init() throws {
            temp = try TempDir()
            upstream = FakeComposerUpstream(work: temp.url, authorization: ComposerProxyTests.authorization)
            try upstream.publish("acme/util", "1.0.0")
            try upstream.publish("acme/util", "1.1.0")
            try upstream.publish("acme/app", "2.0.0", require: ["acme/util": "^1.0"])
            try upstream.publish("other/secret", "1.0.0")
        }

        /// A running Ferry with a proxy-only workload `broker` applied and deployed.
        func deployed(ttl: String = "0s", _ body: @escaping @Sendable (LiveFerry.Client, String) async throws -> Void) async throws {
            try await upstream.run { base in
                try await LiveFerry.run(in: temp.url) { ferry, _ in
                    let workload = """
                        name: broker
                        source:
                          kind: composer-repo
                          config:
                            proxy:
                              - { url: "\(base)", authEnv: UPSTREAM_AUTH, packages: ["acme/*"], ttl: \(ttl) }
                        env:
                          UPSTREAM_AUTH: { value: "\(ComposerProxyTests.credential)", secret: true }
                        """
                    let applied = try await ferry.post("/api/apply", workload, contentType: "application/yaml")
                    #expect(applied.status == 200, "\(String(decoding: applied.body, as: UTF8.self))")
                    _ = try await ferry.run("broker", "deploy")
                    try await body(ferry, base)
                }
            }
        }

        func composer(_ name: String, _ ferry: LiveFerry.Client) throws -> ComposerClient {
            let folder = temp.url.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            return try ComposerClient(in: folder, repository: "\(ferry.base)/composer/broker")
        }
    }

    @Test func composerInstallsThroughTheProxyAndKeepsInstallingWhileTheUpstreamIsDown() async throws {
        let setup = try Setup()
        try await setup.deployed { ferry, _ in
            let root = try await ferry.json("/composer/broker/packages.json")
            #expect(root["available-package-patterns"] == .array([.string("acme/*")]))

            let first = try setup.composer("first", ferry)
            try await first.run(["require", "acme/app:^2.0"])
            #expect(first.installed("acme/app/src/Version.php")?.contains("acme/app 2.0.0") == true)
            #expect(first.installed("acme/util/src/Version.php")?.contains("acme/util 1.1.0") == true, "the minified p2 was expanded: the newest version wins")

            // The lock file points at Ferry, never at the upstream.
            let lock = try String(contentsOf: first.project.appendingPathComponent("composer.lock"), encoding: .utf8)
            #expect(lock.contains("\(ferry.base)/composer/broker/proxy/dists/acme/app/"))
            #expect(!lock.contains("localhost"), "no upstream dist URL reaches the client")

            // The credential went to the upstream's origin with every metadata request, never to
            // the dist host (another origin), and never back to the client.
            let metadata = setup.upstream.requests("/p2/") + setup.upstream.requests("/packages.json")
            #expect(!metadata.isEmpty && metadata.allSatisfy(\.authorized))

            let dists = setup.upstream.requests("/dists/")
            #expect(dists.count == 2 && dists.allSatisfy { !$0.authorized })
            let served = try await ferry.get("/composer/broker/p2/acme/app.json")
            #expect(!String(decoding: served.body, as: UTF8.self).contains("pr1vate"))
            #expect(!served.headers.values.contains { $0.contains("pr1vate") })

            // The upstream goes down. A fresh project with an empty Composer cache still installs
            // from the lock file, from Ferry's cache, and the answers say they are stale.
            setup.upstream.setMode(.down)
            let second = try setup.composer("second", ferry)
            try FileManager.default.copyItem(at: first.project.appendingPathComponent("composer.lock"), to: second.project.appendingPathComponent("composer.lock"))
            try Data(contentsOf: first.project.appendingPathComponent("composer.json")).write(to: second.project.appendingPathComponent("composer.json"))
            try await second.run(["install", "--no-progress"], installing: false)
            #expect(second.installed("acme/app/src/Version.php")?.contains("acme/app 2.0.0") == true)

            let stale = try await ferry.get("/composer/broker/p2/acme/util.json")
            #expect(stale.status == 200)
            #expect(stale.headers["x-ferry-stale"]?.contains("HTTP 503") == true, "\(stale.headers)")
            let status = try await ferry.text("/composer/broker/status")
            #expect(status.contains("Proxied upstreams") && status.contains("stale"))
            #expect(setup.upstream.requests("/dists/").count == 2, "dists are downloaded once")
        }
    }

    @Test func cachedMetadataIsRevalidatedAtMostEveryTTL() async throws {
        let setup = try Setup()
        try await setup.deployed(ttl: "0s") { ferry, _ in
            #expect(try await ferry.get("/composer/broker/p2/acme/util.json").status == 200)
            let again = try await ferry.get("/composer/broker/p2/acme/util.json")
            #expect(again.status == 200 && again.headers["x-ferry-stale"] == nil)
            let asked = setup.upstream.requests("/p2/acme/util.json")
            #expect(asked.count == 2 && asked[1].conditional && asked[1].status == 304, "ttl 0s: every request revalidates, with If-None-Match")
            // Ferry's own validators work for the client too.
            let etag = try #require(again.headers["etag"])
            #expect(try await ferry.get("/composer/broker/p2/acme/util.json", headers: ["If-None-Match": etag]).status == 304)
        }
        let cached = try Setup()
        try await cached.deployed(ttl: "1h") { ferry, _ in
            for _ in 0..<3 {
                let response = try await ferry.get("/composer/broker/p2/acme/util.json")
                #expect(response.status == 200)
            }
            #expect(cached.upstream.requests("/p2/acme/util.json").count == 1, "within the ttl the cached copy is served without asking")
        }
    }

    @Test func concurrentFirstRequestsShareOneReadOfTheUpstreamsRoot() async throws {
        let setup = try Setup()
        try await setup.deployed(ttl: "5m") { ferry, _ in
            let paths = ["acme/app", "acme/util", "acme/app", "acme/util", "acme/app~dev", "acme/util~dev"].map { "/composer/broker/p2/\($0).json" }
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for path in paths { group.addTask { Int(try await ferry.get(path).status) } }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == 200 }.count >= 4, "\(statuses)")
            #expect(setup.upstream.requests("/packages.json").count == 1, "one cache per workload, one root read within the ttl")
            _ = try await ferry.get("/composer/broker/p2/acme/app.json")
            #expect(setup.upstream.requests("/packages.json").count == 1)
        }
    }

    @Test func refusesWhatItCannotTrust() async throws {
        let setup = try Setup()
        try await setup.deployed { ferry, base in
            // A name outside the proxy's patterns is a 404 the upstream never hears of.
            #expect(try await ferry.get("/composer/broker/p2/other/secret.json").status == 404)
            #expect(setup.upstream.requests("/p2/other/").isEmpty)

            // A dist whose bytes do not match the upstream's shasum is refused and not cached.
            let p2 = try await ferry.json("/composer/broker/p2/acme/util.json")
            let url = try #require(p2["packages"]?["acme/util"]?.arrayValue?.first?["dist"]?["url"]?.stringValue)
            let path = String(url.dropFirst(ferry.base.count))
            setup.upstream.setCorruptDists(true)
            let refused = try await ferry.get(path)
            #expect(refused.status == 502)
            #expect(String(decoding: refused.body, as: UTF8.self).contains("does not match the shasum"))
            setup.upstream.setCorruptDists(false)
            #expect(try await ferry.get(path).status == 200, "the corrupt copy was not kept")

            // An upstream answering HTML for a package Ferry has not cached is a 502 naming it.
            setup.upstream.setMode(.html)
            let html = try await ferry.get("/composer/broker/p2/acme/app.json")
            #expect(html.status == 502)
            let message = String(decoding: html.body, as: UTF8.self)
            #expect(message.contains(base) && message.contains("HTML"), "\(message)")
            // The same upstream answering HTML for a cached package serves the last good copy.
            let kept = try await ferry.get("/composer/broker/p2/acme/util.json")
            #expect(kept.status == 200 && kept.headers["x-ferry-stale"] != nil)
            #expect(String(decoding: kept.body, as: UTF8.self).contains("\"acme/util\""))
        }
    }

    @Test func composerAuditReportsTheUpstreamsAdvisoriesForProxiedPackages() async throws {
        let setup = try Setup()
        let advisories = try JSONDecoder().decode(JSONValue.self, from: Data(#"""
            [{"advisoryId": "PKSA-util-1", "packageName": "acme/util", "affectedVersions": ">=1.0.0,<1.1.0", "title": "Util reads any file",
              "cve": "CVE-2025-11111", "link": "https://example.org/pksa-util-1", "reportedAt": "2025-03-01 08:00:00", "severity": "high",
              "sources": [{"name": "GitHub", "remoteId": "GHSA-aaaa-bbbb-cccc"}]},
             {"advisoryId": "PKSA-util-2", "affectedVersions": "not a constraint!!", "title": "Broken upstream entry", "reportedAt": "2025-03-02 08:00:00"}]
            """#.utf8))
        setup.upstream.advise("acme/util", advisories.arrayValue ?? [])
        try await setup.deployed(ttl: "0s") { ferry, base in
            let root = try await ferry.json("/composer/broker/packages.json")
            #expect(root["security-advisories"]?["api-url"] == .string("\(ferry.base)/composer/broker/security-advisories"))

            let project = try setup.composer("audited", ferry)
            try await project.run(["require", "acme/util:1.0.0"])
            let audit = await #expect(throws: ComposerClient.Failure.self) { try await project.run(["audit"], installing: false) }
            let report = audit?.description ?? ""
            #expect(report.contains("CVE-2025-11111") && report.contains("Util reads any file"), "\(report)")
            #expect(!report.contains("Broken upstream entry"))
            let asked = setup.upstream.requests("/api/security-advisories")
            #expect(!asked.isEmpty && asked.allSatisfy(\.authorized), "the advisories API gets the credential: it is the upstream's origin")

            // A name the proxy does not offer is never sent upstream; one with no advisories
            // (Packagist's `[]`) answers an empty list.
            let before = setup.upstream.requests("/api/security-advisories").count
            let other = try await ferry.json("/composer/broker/security-advisories?packages[]=other/secret")
            #expect(other["advisories"] == .object([:]))
            #expect(setup.upstream.requests("/api/security-advisories").count == before)
            #expect(try await ferry.json("/composer/broker/security-advisories?packages[]=acme/app")["advisories"] == .object([:]))

            // Upstream down: the last answer is used and marked stale; a package never asked
            // about is an error naming the upstream, not a clean audit.
            setup.upstream.setMode(.down)
            let stale = try await ferry.get("/composer/broker/security-advisories?packages[]=acme/util")
            #expect(stale.status == 200 && stale.headers["x-ferry-stale"]?.contains(base) == true, "\(stale.headers)")
            let known = try JSONDecoder().decode(JSONValue.self, from: Data(stale.body))
            #expect(known["advisories"]?["acme/util"]?.arrayValue?.count == 1)
            let unknown = try await ferry.get("/composer/broker/security-advisories?packages[]=acme/never-asked")
            #expect(unknown.status == 502)
            #expect(String(decoding: unknown.body, as: UTF8.self).contains(base))
        }
    }
}

import FerryCore
import FerryTestSupport
import Foundation
import PluginTestKit
import Testing
@testable import ComposerRepoSource

/// The recently-updated feed only speeds change detection up: a failing feed, a feed that drops a
/// change, and `changes: false` all still bring a new upstream version into the repository, by
/// checking every package against the info API and rewriting only those that moved.
@Suite(.offPool) struct ChangeDetectionTests {
    static let alpha = FakeWordPressOrg.Plugin(version: "1.0", versions: ["1.0"], lastUpdated: "2024-10-01 9:00am GMT")
    static let beta = FakeWordPressOrg.Plugin(version: "1.7.0", versions: ["1.7.0"], lastUpdated: "2024-10-02 9:00am GMT")
    static let betaNext = FakeWordPressOrg.Plugin(version: "1.8.0", versions: ["1.7.0", "1.8.0"], lastUpdated: "2024-11-05 10:15am GMT")

    /// Runs `body` against a fake WordPress.org serving alpha and beta, after a first deploy.
    func afterFirstDeploy(changes: Bool? = nil, _ body: @Sendable (FakeWordPressOrg, PluginTestContext) async throws -> Void) async throws {
        let temp = try TempDir()
        let wp = FakeWordPressOrg(work: temp.url)
        try wp.set("alpha", .plugin(Self.alpha))
        try wp.set("beta", .plugin(Self.beta))
        try await wp.run { base in
            var config = wordpressConfig(base, plugins: ["alpha", "beta"])
            if let changes, case .object(var o) = config, case .object(var w) = o["wordpress"] {
                w["changes"] = .bool(changes)
                o["wordpress"] = .object(w)
                config = .object(o)
            }
            let ctx = try PluginTestContext(kind: "composer-repo", config: config)
            defer { ctx.cleanUp() }
            _ = try await composerPipeline(ctx, build: "b1")
            #expect(wp.infoRequests.sorted() == ["alpha", "beta"])
            wp.resetRequests()
            try await body(wp, ctx)
        }
    }

    func versionStamp(_ ctx: PluginTestContext, _ name: String) throws -> Int64? {
        try ctx.records.get(VersionSet.collection, key: name)?.stamp
    }

    @Test func aFailingFeedCostsAFullCheckNotTheDeploy() async throws {
        try await afterFirstDeploy { wp, ctx in
            let alphaStamp = try versionStamp(ctx, "wp-plugin/alpha")
            wp.setFeed(.failing)
            try wp.set("beta", .plugin(Self.betaNext))
            let step = try await composerPipeline(ctx, build: "b2")
            #expect(Set(try clientVersions(step, "wp-plugin/beta").keys) == ["1.7.0", "1.8.0", "dev-trunk"])
            #expect(wp.infoRequests.sorted() == ["alpha", "beta"], "every package is checked")
            #expect(try versionStamp(ctx, "wp-plugin/alpha") == alphaStamp, "an unchanged package is not rewritten")
            #expect(ctx.logLines.contains { $0.hasPrefix("warning:") && $0.contains("recently-updated") }, "\(ctx.logLines)")

            wp.setFeed(.complete)
            wp.resetRequests()
            _ = try await composerPipeline(ctx, build: "b3")
            #expect(wp.infoRequests.isEmpty, "with the feed back, nothing changed means nothing fetched")
        }
    }

    @Test func aChangeTheFeedDroppedIsFoundByThePeriodicFullCheck() async throws {
        try await afterFirstDeploy { wp, ctx in
            wp.setFeed(.omitting(["beta"]))
            try wp.set("beta", .plugin(Self.betaNext))
            let missed = try await composerPipeline(ctx, build: "b2")
            #expect(wp.infoRequests.isEmpty)
            #expect(Set(try clientVersions(missed, "wp-plugin/beta").keys) == ["1.7.0", "dev-trunk"])

            var check = try FullCheck.load(ctx.records)
            check.lastFull = Date().addingTimeInterval(-25 * 3600)
            try check.save(ctx.records)
            let found = try await composerPipeline(ctx, build: "b3")
            #expect(wp.infoRequests.sorted() == ["alpha", "beta"])
            #expect(Set(try clientVersions(found, "wp-plugin/beta").keys) == ["1.7.0", "1.8.0", "dev-trunk"])
            #expect(try FullCheck.load(ctx.records).lastFull.map { Date().timeIntervalSince($0) < 60 } == true)
        }
    }

    @Test func withTheFeedOffEveryUpdateChecksEveryPackage() async throws {
        try await afterFirstDeploy(changes: false) { wp, ctx in
            try wp.set("beta", .plugin(Self.betaNext))
            let step = try await composerPipeline(ctx, build: "b2")
            #expect(wp.infoRequests.sorted() == ["alpha", "beta"])
            #expect(Set(try clientVersions(step, "wp-plugin/beta").keys) == ["1.7.0", "1.8.0", "dev-trunk"])
        }
    }

    @Test func theFullCheckIsDueAfterItsIntervalOrAFeedFailure() throws {
        var wp = try #require(try ComposerConfig.load(from: wordpressConfig("http://127.0.0.1:1", plugins: ["a"]), git: GitPolicy()).wordpress)
        wp.fullCheck = "2h"
        let now = Date(timeIntervalSince1970: 1_790_000_000)
        #expect(FullCheck().reason(wp, now: now) != nil, "the first update checks everything")
        #expect(FullCheck(lastFull: now.addingTimeInterval(-3600)).reason(wp, now: now) == nil)
        #expect(FullCheck(lastFull: now.addingTimeInterval(-7300)).reason(wp, now: now)?.contains("fullCheck: 2h") == true)
        #expect(FullCheck(lastFull: now, feedFailure: "HTTP 400").reason(wp, now: now)?.contains("HTTP 400") == true)
        wp.changes = false
        #expect(FullCheck(lastFull: now).reason(wp, now: now)?.contains("changes: false") == true)
    }
}

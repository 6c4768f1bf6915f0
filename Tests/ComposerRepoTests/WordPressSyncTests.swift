import FerryCore
import FerryTestSupport
import Foundation
import PluginTestKit
import Testing
@testable import ComposerRepoSource

/// discover → update → build against a loopback WordPress.org, as a deploy runs them.
@Suite(.offPool) struct WordPressSyncTests {
    let source = ComposerRepoSource()

    func pipeline(_ ctx: PluginTestContext, build: String) async throws -> StepContext {
        try await composerPipeline(ctx, build: build)
    }

    @Test func malformedAnswersAreRecordedPerPackageAndNeverBreakTheBuild() async throws {
        let temp = try TempDir()
        let wp = FakeWordPressOrg(work: temp.url)
        try wp.set("good", .plugin(.init(version: "1.1", versions: ["1.0", "1.1", "2.0-beta1", "latest-and-greatest", "1.0.0.0.1"], lastUpdated: "2024-10-03 2:31pm GMT")))
        try wp.set("broken", .badJSON)
        try wp.set("sleepy", .slow)
        try wp.set("gone", .closed)
        try await wp.run { base in
            let ctx = try PluginTestContext(kind: "composer-repo", config: wordpressConfig(base, plugins: ["good", "broken", "sleepy", "gone"]))
            defer { ctx.cleanUp() }
            let step = try await pipeline(ctx, build: "b1")

            let versions = try clientVersions(step, "wp-plugin/good")
            #expect(Set(versions.keys) == ["1.0", "1.1", "dev-trunk"], "\(ctx.logLines)")
            let v11 = try #require(versions["1.1"])
            #expect(v11["version_normalized"] == .string("1.1.0.0"))
            #expect(v11["type"] == .string("wordpress-plugin"))
            #expect(v11["require"]?["composer/installers"] == .string("~1.0|~2.0"))
            #expect(v11["require"]?["php"] == .string(">=7.4"))
            #expect(v11["dist"]?["url"] == .string("\(base)/plugin/good.1.1.zip"))
            #expect(v11["source"]?["reference"] == .string("tags/1.1"))
            #expect(v11["time"] == .string("2024-10-03T14:31:00Z"))
            #expect(v11["authors"] == .array([.object(["name": .string("Test & Author")])]))
            #expect(versions["dev-trunk"]?["dist"]?["url"]?.stringValue?.hasPrefix("\(base)/plugin/good.zip?timestamp=") == true)

            let good = try #require(try PackageSummary.load(ctx.records, "wp-plugin/good"))
            #expect(good.skipped.map(\.version).sorted() == ["1.0.0.0.1", "2.0-beta1", "latest-and-greatest"])
            #expect(good.skipped.first { $0.version == "2.0-beta1" }?.reason.contains("newer than the published stable") == true)
            #expect(good.skipped.first { $0.version == "latest-and-greatest" }?.reason == "not a valid Composer version")

            let broken = try #require(try PackageSummary.load(ctx.records, "wp-plugin/broken"))
            #expect(broken.problem?.contains("not a JSON object") == true)
            let sleepy = try #require(try PackageSummary.load(ctx.records, "wp-plugin/sleepy"))
            #expect(sleepy.problem?.contains("info request failed") == true, "\(sleepy.problem ?? "no problem")")
            let gone = try #require(try PackageSummary.load(ctx.records, "wp-plugin/gone"))
            #expect(!gone.active)
            #expect(gone.inactiveReason?.contains("author-request") == true)

            let packages = try step.json("packages.json")
            #expect(packages["available-packages"] == .array([.string("wp-plugin/good")]))
            #expect(packages["notify-batch"] == .string("\(ctx.publicBase)/downloads"))
            #expect(!step.exists("p2/wp-plugin/gone.json"))
            #expect(!step.exists("p2/wp-plugin/broken.json"))
            let manifest = try step.json("manifest.json")
            #expect(manifest["buildID"] == .string("b1"))
            #expect(manifest["snapshot"] == .number(1))
        }
    }

    @Test func updateFetchesOnlyPackagesThatChangedUpstream() async throws {
        let temp = try TempDir()
        let wp = FakeWordPressOrg(work: temp.url)
        try wp.set("alpha", .plugin(.init(version: "1.0", versions: ["1.0"], lastUpdated: "2024-10-01 9:00am GMT")))
        try wp.set("beta", .plugin(.init(version: "2.0", versions: ["2.0"], lastUpdated: "2024-10-02 9:00am GMT")))
        try await wp.run { base in
            let ctx = try PluginTestContext(kind: "composer-repo", config: wordpressConfig(base, plugins: ["alpha", "beta"]))
            defer { ctx.cleanUp() }
            _ = try await pipeline(ctx, build: "b1")
            #expect(wp.infoRequests.sorted() == ["alpha", "beta"])

            wp.resetRequests()
            _ = try await pipeline(ctx, build: "b2")
            #expect(wp.infoRequests.isEmpty, "nothing changed upstream, yet \(wp.infoRequests) were fetched")

            try wp.set("beta", .plugin(.init(version: "2.1", versions: ["2.0", "2.1"], lastUpdated: "2024-11-05 10:15am GMT")))
            wp.resetRequests()
            let step = try await pipeline(ctx, build: "b3")
            #expect(wp.infoRequests == ["beta"])
            #expect(Set(try clientVersions(step, "wp-plugin/beta").keys) == ["2.0", "2.1", "dev-trunk"])
            #expect(Set(try clientVersions(step, "wp-plugin/alpha").keys) == ["1.0", "dev-trunk"])
        }
    }

    @Test func unchangedFilesKeepTheirBytesAndModificationTime() async throws {
        let temp = try TempDir()
        let wp = FakeWordPressOrg(work: temp.url)
        try wp.set("alpha", .plugin(.init(version: "1.0", versions: ["1.0"], lastUpdated: "2024-10-01 9:00am GMT")))
        try wp.set("beta", .plugin(.init(version: "2.0", versions: ["2.0"], lastUpdated: "2024-10-02 9:00am GMT")))
        try await wp.run { base in
            let ctx = try PluginTestContext(kind: "composer-repo", config: wordpressConfig(base, plugins: ["alpha", "beta"]))
            defer { ctx.cleanUp() }
            let first = try await pipeline(ctx, build: "b1")
            let before = try modified(first, "p2/wp-plugin/alpha.json")
            try await Task.sleep(for: .milliseconds(1100))
            try wp.set("beta", .plugin(.init(version: "2.1", versions: ["2.0", "2.1"], lastUpdated: "2024-11-05 10:15am GMT")))
            let second = try await pipeline(ctx, build: "b2")

            #expect(try Data(contentsOf: first.file("p2/wp-plugin/alpha.json"))
                == Data(contentsOf: second.file("p2/wp-plugin/alpha.json")))
            #expect(try modified(second, "p2/wp-plugin/alpha.json") == before)
            #expect(try modified(second, "p2/wp-plugin/beta.json") > before)
            let meta = try second.json("manifest.json")
            #expect(meta["counts"]?["reused"] == .number(1))
            #expect(meta["counts"]?["rendered"] == .number(1))
        }
    }

    @Test func aFileThatChangedWithinTheSameSecondStillGetsALaterLastModified() async throws {
        let temp = try TempDir()
        let wp = FakeWordPressOrg(work: temp.url)
        try wp.set("beta", .plugin(.init(version: "2.0", versions: ["2.0"], lastUpdated: "2024-10-02 9:00am GMT")))
        try await wp.run { base in
            let ctx = try PluginTestContext(kind: "composer-repo", config: wordpressConfig(base, plugins: ["beta"]))
            defer { ctx.cleanUp() }
            let first = try await pipeline(ctx, build: "b1")
            try wp.set("beta", .plugin(.init(version: "2.1", versions: ["2.0", "2.1"], lastUpdated: "2024-11-05 10:15am GMT")))
            let second = try await pipeline(ctx, build: "b2")
            // A client holding the first version revalidates with If-Modified-Since (whole seconds).
            let before = try #require(first.entry("p2/wp-plugin/beta.json")?.modified)
            let after = try #require(second.entry("p2/wp-plugin/beta.json")?.modified)
            #expect(after > before)
        }
    }

    @Test func aBuildLeavesOutWhatASyncRunNewerThanItsSnapshotWrote() async throws {
        let temp = try TempDir()
        let wp = FakeWordPressOrg(work: temp.url)
        try wp.set("alpha", .plugin(.init(version: "1.0", versions: ["1.0"], lastUpdated: "2024-10-01 9:00am GMT")))
        try await wp.run { base in
            let ctx = try PluginTestContext(kind: "composer-repo", config: wordpressConfig(base, plugins: ["alpha"]))
            defer { ctx.cleanUp() }
            let first = try await pipeline(ctx, build: "b1")
            // A sync run that has started but not finished writes half of its data…
            let running = try SyncRun.start(kind: "update", records: ctx.records)
            var summary = try #require(try PackageSummary.load(ctx.records, "wp-plugin/alpha"))
            summary.versionCount = 1
            try ctx.records.put(VersionSet.collection, VersionSet(versions: [.object([
                "name": .string(summary.name), "version": .string("9.9"), "version_normalized": .string("9.9.0.0"),
            ])]).write(key: summary.name, stamp: running.id))
            try ctx.records.put(PackageSummary.collection, RecordWrite(key: summary.name, value: summary, label: summary.type, stamp: running.id))
            // …and a build made meanwhile still serves the previous data, byte for byte.
            let step = try StepContext(ctx, build: "b2")
            _ = try await source.run(action: "build", revision: nil, params: .object([:]), context: step)
            try step.finish()
            #expect(try step.json("manifest.json")["snapshot"] == .number(1))
            #expect(try Data(contentsOf: step.file("p2/wp-plugin/alpha.json"))
                == Data(contentsOf: first.file("p2/wp-plugin/alpha.json")))
            #expect(try clientVersions(step, "wp-plugin/alpha")["9.9"] == nil)
        }
    }

    @Test func themesBecomeWpThemePackages() async throws {
        let temp = try TempDir()
        let wp = FakeWordPressOrg(work: temp.url)
        try wp.setTheme("twentyten", .init(version: "4.2", versions: ["4.1", "4.2"], lastUpdated: "2024-05-01"))
        try await wp.run { base in
            let ctx = try PluginTestContext(kind: "composer-repo", config: wordpressConfig(base, plugins: [], themes: ["twentyten"]))
            defer { ctx.cleanUp() }
            let step = try await pipeline(ctx, build: "b1")
            let versions = try clientVersions(step, "wp-theme/twentyten")
            #expect(Set(versions.keys) == ["4.1", "4.2"], "themes have no trunk")
            #expect(versions["4.2"]?["type"] == .string("wordpress-theme"))
            #expect(versions["4.2"]?["dist"]?["url"] == .string("\(base)/theme/twentyten.4.2.zip"))
            #expect(versions["4.2"]?["source"]?["reference"] == .string("4.2"))
        }
    }

    @Test func discoveryReadsTheDirectoryListing() async throws {
        let temp = try TempDir()
        let wp = FakeWordPressOrg(work: temp.url)
        try wp.set("one", .plugin(.init(version: "1.0", versions: ["1.0"], lastUpdated: "2024-10-01 9:00am GMT")))
        try wp.set("two", .closed)
        try await wp.run { base in
            var config = wordpressConfig(base, plugins: [])
            if case .object(var root) = config, case .object(var w)? = root["wordpress"] {
                w["listing"] = .bool(true)
                root["wordpress"] = .object(w)
                config = .object(root)
            }
            let ctx = try PluginTestContext(kind: "composer-repo", config: config)
            defer { ctx.cleanUp() }
            _ = try await source.run(action: "discover", revision: nil, params: .object([:]), context: ctx)
            #expect(try ctx.records.all(PackageSummary.collection).map(\.key) == ["wp-plugin/one", "wp-plugin/two"])
        }
    }

    @Test func checkStatusDeactivatesClosedAndReactivatesReopenedPackages() async throws {
        let temp = try TempDir()
        let wp = FakeWordPressOrg(work: temp.url)
        let alpha = FakeWordPressOrg.Plugin(version: "1.0", versions: ["1.0"], lastUpdated: "2024-10-01 9:00am GMT")
        try wp.set("alpha", .plugin(alpha))
        try await wp.run { base in
            let ctx = try PluginTestContext(kind: "composer-repo", config: wordpressConfig(base, plugins: ["alpha"]))
            defer { ctx.cleanUp() }
            _ = try await pipeline(ctx, build: "b1")
            try wp.set("alpha", .closed)
            _ = try await source.run(action: "check-status", revision: nil, params: .object([:]), context: ctx)
            #expect(try PackageSummary.load(ctx.records, "wp-plugin/alpha")?.active == false)
            let closedBuild = try StepContext(ctx, build: "b2")
            _ = try await source.run(action: "build", revision: nil, params: .object([:]), context: closedBuild)
            try closedBuild.finish()
            #expect(!closedBuild.exists("p2/wp-plugin/alpha.json"))

            try wp.set("alpha", .plugin(alpha))
            _ = try await source.run(action: "check-status", revision: nil, params: .object([:]), context: ctx)
            let reopened = try await pipeline(ctx, build: "b3")
            #expect(reopened.exists("p2/wp-plugin/alpha.json"))
            let changes = try ctx.records.list(RecordQuery(collection: StatusChange.collection)).map { try $0.decode(StatusChange.self) }
            #expect(changes.map(\.active) == [false, true])
            #expect(changes.allSatisfy { $0.by == "check-status" && $0.name == "wp-plugin/alpha" })
        }
    }
}

/// The path's Last-Modified as the build records it.
private func modified(_ step: StepContext, _ path: String) throws -> Int64 {
    try #require(step.entry(path)?.modified)
}

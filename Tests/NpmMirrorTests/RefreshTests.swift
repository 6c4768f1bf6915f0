import FerryCore
import FerryTestSupport
import Foundation
import PluginTestKit
import Testing
@testable import NpmMirrorSource

/// refresh-full / refresh-delta against a local upstream registry serving real npm tarballs.
@Suite(.offPool) struct RefreshTests {
    /// The mirror caches `tar` and `@npmcli/fs` (with their closures) and `ferry-demo@1.0.0`;
    /// upstream also has `npm-package-arg` and its dependencies.
    static let mirrored: Set<String> = ["tar", "chownr", "fs-minipass", "minipass", "minizlib", "mkdirp", "yallist", "@npmcli/fs", "semver", "ferry-demo"]
    static let newClosure = ["npm-package-arg@11.0.2", "hosted-git-info@7.0.2", "lru-cache@10.2.2", "proc-log@4.2.0", "validate-npm-package-name@5.0.1"]

    private func fixtureWithDemo() async throws -> MirrorFixture {
        let fixture = try await MirrorFixture.make(mirrored: Self.mirrored)
        let demo = try await PackedPackages.made("ferry-demo", "1.0.0", in: fixture.temp.url)
        try StorageFolder.write([demo], to: fixture.storage, tarballBase: "https://registry.npmjs.org")
        try fixture.publish([demo])
        return fixture
    }

    @Test func refreshPicksUpANewlyPublishedVersionAndItsNewDependencies() async throws {
        let fixture = try await fixtureWithDemo()
        try fixture.publish([try await PackedPackages.made("ferry-demo", "1.1.0", dependencies: ["npm-package-arg": "^11.0.0"], in: fixture.temp.url)])
        try await fixture.upstream.run { base in
            let context = try fixture.context(upstream: base)
            let outcome = try await NpmMirrorSource().run(action: "refresh-full", revision: nil, params: .object([:]), context: context)
            let fetched = Set((outcome.details["fetched"]?.arrayValue ?? []).compactMap(\.stringValue))
            #expect(fetched == Set(["ferry-demo@1.1.0"] + Self.newClosure), "\(outcome.summary)")
            #expect(outcome.details["errors"]?.arrayValue?.isEmpty == true, "\(outcome.details)")

            let layout = fixture.layout()
            let demo = try #require(try Packument.load(layout.packumentFile("ferry-demo")))
            #expect(demo.distTags["latest"] == "1.1.0")
            #expect(demo.fields["_uplinks"]?["npmjs"]?["fetched"] != nil)
            #expect(demo.fields["_distfiles"]?["ferry-demo-1.1.0.tgz"]?["url"]?.stringValue?.hasPrefix(base) == true)
            #expect(demo.fields["_rev"] != nil && demo.fields["_attachments"] != nil)
            for id in Self.newClosure + ["ferry-demo@1.1.0"] {
                let at = id.index(id.startIndex, offsetBy: 1)
                let name = String(id[..<id[at...].firstIndex(of: "@")!])
                let packument = try #require(try Packument.load(layout.packumentFile(name)), "\(name) has a packument")
                let dist = try #require(packument.dist(String(id.dropFirst(name.count + 1))))
                #expect(TarballVerifier.problem(file: layout.tarballFile(name, fileName: dist.fileName), expected: dist.expected) == nil, "\(id)")
            }
            #expect(context.followUps.map(\.action) == ["diff-build"])
            #expect(fixture.upstream.requests.contains("@npmcli%2ffs"), "scoped packuments are asked for as @scope%2fname")

            let again = try await NpmMirrorSource().run(action: "refresh-full", revision: nil, params: .object(["diff": .bool(false)]), context: context)
            #expect(again.details["fetched"]?.arrayValue?.isEmpty == true, "a second refresh has nothing left to fetch: \(again.summary)")
            #expect(context.followUps.count == 1, "diff=false asks for no diff-build")
        }
    }

    @Test func aDryRunListsWhatWouldBeFetchedAndChangesNothing() async throws {
        let fixture = try await fixtureWithDemo()
        try fixture.publish([try await PackedPackages.made("ferry-demo", "1.1.0", dependencies: ["npm-package-arg": "^11.0.0"], in: fixture.temp.url)])
        let before = try StorageFolder.digests(fixture.storage)
        try await fixture.upstream.run { base in
            let context = try fixture.context(upstream: base)
            let outcome = try await NpmMirrorSource().run(action: "refresh-full", revision: nil, params: .object(["dry-run": .bool(true)]), context: context)
            let would = Set((outcome.details["wouldFetch"]?.arrayValue ?? []).compactMap(\.stringValue))
            #expect(would == Set(["ferry-demo@1.1.0"] + Self.newClosure), "\(outcome.details)")
            #expect(context.followUps.isEmpty)
        }
        #expect(try StorageFolder.digests(fixture.storage) == before)
    }

    @Test func hiccupsAreRetriedAndAPackageUpstreamLacksDoesNotStopTheRun() async throws {
        let fixture = try await fixtureWithDemo()
        try fixture.publish([try await PackedPackages.made("ferry-demo", "1.2.0", in: fixture.temp.url)])
        let ghost = try await PackedPackages.made("ghost-only-here", "1.0.0", in: fixture.temp.url)
        try StorageFolder.write([ghost], to: fixture.storage, tarballBase: "https://registry.npmjs.org")
        fixture.upstream.fail("ferry-demo", times: 2)
        fixture.upstream.fail("ferry-demo/-/ferry-demo-1.2.0.tgz", times: 1)
        try await fixture.upstream.run { base in
            let context = try fixture.context(upstream: base)
            let outcome = try await NpmMirrorSource().run(action: "refresh-full", revision: nil, params: .object([:]), context: context)
            let fetched = (outcome.details["fetched"]?.arrayValue ?? []).compactMap(\.stringValue)
            #expect(fetched == ["ferry-demo@1.2.0"])
            let errors = outcome.details["errors"]?.arrayValue ?? []
            #expect(errors.count == 1)
            #expect(errors.first?["package"]?.stringValue == "ghost-only-here")
            #expect(errors.first?["error"]?.stringValue?.contains("404") == true)
        }
        #expect(fixture.upstream.requests.filter { $0 == "ferry-demo" }.count == 3)
    }

    @Test func aDeltaRefreshAsksOnlyForPackagesChangedRecently() async throws {
        let fixture = try await fixtureWithDemo()
        try Shell.run(["find", fixture.storage.path, "-exec", "touch", "-d", "10 days ago", "{}", "+"])
        try Shell.run(["touch", fixture.layout().packumentFile("ferry-demo").path])
        try fixture.publish([try await PackedPackages.made("ferry-demo", "1.3.0", in: fixture.temp.url)])
        try await fixture.upstream.run { base in
            let context = try fixture.context(upstream: base)
            let outcome = try await NpmMirrorSource().run(action: "refresh-delta", revision: nil, params: .object(["minutes": .number(60)]), context: context)
            #expect(outcome.details["packages"] == .number(1), "\(outcome.summary)")
            #expect(outcome.details["fetched"] == .array([.string("ferry-demo@1.3.0")]))
            #expect(context.followUps.isEmpty, "only refresh-full is followed by a diff-build")
        }
        #expect(fixture.upstream.requests.filter { !$0.contains("/-/") } == ["ferry-demo"])
    }

    @Test func everyPackageFailingFailsTheJob() async throws {
        let fixture = try await fixtureWithDemo()
        let empty = UpstreamRegistry(root: fixture.temp.url.appendingPathComponent("empty"))
        try await empty.run { base in
            let context = try fixture.context(upstream: base, config: ["retries": .number(1)])
            await #expect(throws: FerryError.self) {
                _ = try await NpmMirrorSource().run(action: "refresh-full", revision: nil, params: .object([:]), context: context)
            }
            #expect(context.followUps.isEmpty)
        }
    }

    /// `minutes: 1e300` used to pass the check and trap converting to `Int` when the job ran.
    @Test(arguments: [1e300, Double.infinity, 0, 2.5, 5_256_001])
    func aDeltaWindowOutOfRangeIsAFieldError(_ minutes: Double) {
        let error = #expect(throws: FerryError.self) { try NpmMirrorSource.minutes(.object(["minutes": .number(minutes)])) }
        #expect(error?.field == "params.minutes")
    }
}


import Crypto
import FerryCore
import FerryTestSupport
import Foundation
import PluginTestKit
import Testing
@testable import ComposerRepoSource

/// Git repositories as an upstream: tags with a valid composer.json are versions, branches are
/// dev versions, and Ferry's own dist zips carry the sha1 the client checks.
@Suite(.offPool) struct VcsSyncTests {
    @Test func tagsAndBranchesBecomeVersionsWithDistsFerryBuilt() async throws {
        let temp = try TempDir()
        let repo = try GitRepo(in: temp.url, name: "lib")
        let manifest = #"{"name": "acme/lib", "description": "A library", "type": "library", "require": {"php": ">=8.1"}, "autoload": {"psr-4": {"Acme\\": "src/"}}}"#
        let first = try repo.commit(["composer.json": manifest, "src/Lib.php": "<?php // one\n"])
        try repo.git("tag", "v1.0.0")
        try repo.git("tag", "-a", "-m", "annotated", "1.1.0")
        try repo.git("tag", "not-a-version")
        try repo.commit(["composer.json": "{ broken"])
        try repo.git("tag", "v2.0.0")
        try repo.git("checkout", "-q", "-b", "1.x", first)

        let ctx = try PluginTestContext(
            kind: "composer-repo", config: .object(["vcs": .array([.object(["url": .string(repo.url)])])]),
            publicBase: "http://127.0.0.1:8080/composer/w")
        defer { ctx.cleanUp() }
        let source = ComposerRepoSource()
        _ = try await source.run(action: "update", revision: nil, params: .object([:]), context: ctx)
        let step = try StepContext(ctx, build: "b1")
        _ = try await source.run(action: "build", revision: nil, params: .object([:]), context: step)
        try step.finish()

        let versions = try clientVersions(step, "acme/lib")
        #expect(Set(versions.keys) == ["v1.0.0", "1.1.0", "1.x-dev"])
        let v1 = try #require(versions["v1.0.0"])
        #expect(v1["version_normalized"] == .string("1.0.0.0"))
        #expect(v1["source"] == .object(["type": .string("git"), "url": .string(repo.url), "reference": .string(first)]))
        #expect(v1["autoload"]?["psr-4"]?["Acme\\"] == .string("src/"))
        #expect(v1["time"]?.stringValue?.isEmpty == false)
        #expect(versions["1.x-dev"]?["version_normalized"] == .string("1.9999999.9999999.9999999-dev"))
        #expect(versions["dev-main"] == nil, "main's composer.json is broken")

        let dist = try #require(v1["dist"])
        #expect(dist["url"] == .string("http://127.0.0.1:8080/composer/w/dists/acme/lib/\(first).zip"))
        let zip = try Data(contentsOf: step.file("dists/acme/lib/\(first).zip"))
        #expect(dist["shasum"] == .string(Insecure.SHA1.hash(data: zip).map { String(format: "%02x", $0) }.joined()))
        let listing = try Shell.run(["unzip", "-l", step.file("dists/acme/lib/\(first).zip").path])
        #expect(listing.contains("src/Lib.php"))

        let summary = try #require(try PackageSummary.load(ctx.records, "acme/lib"))
        #expect(Set(summary.skipped.map(\.version)) == ["not-a-version", "v2.0.0", "dev-main"])
        #expect(summary.latest == "1.1.0")
    }
}

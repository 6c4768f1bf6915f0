import FerryCore
import FerryTestSupport
import Foundation
import PluginTestKit
import Testing
@testable import ComposerRepoSource

/// A deploy that names a pushed commit (what a git-push binding sends) syncs only the configured
/// repository that has it: the other repositories and the WordPress packages are not asked.
@Suite(.offPool) struct VcsPushTests {
    @Test func aPushUpdatesOnlyTheRepositoryThatHasTheCommit() async throws {
        let temp = try TempDir()
        let lib = try GitRepo(in: temp.url, name: "lib")
        try lib.commit(["composer.json": #"{"name": "acme/lib", "type": "library"}"#])
        try lib.git("tag", "v1.0.0")
        let other = try GitRepo(in: temp.url, name: "other")
        try other.commit(["composer.json": #"{"name": "acme/other", "type": "library"}"#])
        try other.git("tag", "v1.0.0")
        let wp = FakeWordPressOrg(work: temp.url)
        try wp.set("alpha", .plugin(.init(version: "1.0", versions: ["1.0"], lastUpdated: "2024-10-01 9:00am GMT")))

        try await wp.run { base in
            guard case .object(var config) = wordpressConfig(base, plugins: ["alpha"]) else { return }
            config["vcs"] = .array([.object(["url": .string(lib.url)]), .object(["url": .string(other.url)])])
            let ctx = try PluginTestContext(kind: "composer-repo", config: .object(config))
            defer { ctx.cleanUp() }
            _ = try await composerPipeline(ctx, build: "b1")

            let pushed = try lib.commit(["src/New.php": "<?php\n"])
            try lib.git("tag", "-a", "-m", "release", "v1.1.0")
            try other.commit(["src/Later.php": "<?php\n"])
            try other.git("tag", "v2.0.0")
            wp.resetRequests()

            let step = try StepContext(ctx, build: "b2")
            let outcome = try await ComposerRepoSource().run(
                action: "deploy", revision: .git(branch: "v1.1.0", commit: pushed), params: .object([:]), context: step)
            guard case .built = outcome else { Issue.record("deploy returned \(outcome)"); return }
            try step.finish()
            #expect(Set(try clientVersions(step, "acme/lib").keys).isSuperset(of: ["v1.0.0", "v1.1.0"]))
            #expect(try clientVersions(step, "acme/other")["v2.0.0"] == nil, "a repository the push did not name is not synced")
            #expect(wp.infoRequests.isEmpty, "WordPress is not asked after a push")
            #expect(try clientVersions(step, "wp-plugin/alpha")["1.0"] != nil, "what was synced before stays")
            #expect(ctx.logLines.contains { $0.contains("\(lib.url) has \(pushed.prefix(12))") }, "\(ctx.logLines)")

            let stray = try StepContext(ctx, build: "b3")
            _ = try await ComposerRepoSource().run(
                action: "deploy", revision: .git(branch: "main", commit: String(repeating: "ab", count: 20)), params: .object([:]), context: stray)
            #expect(ctx.logLines.contains { $0.contains("no configured repository has a branch or tag at abababababab") })
        }
    }

    @Test func aTokenIsNotSentOverPlainHTTPToARemoteHostUnlessAllowed() async throws {
        let ctx = try PluginTestContext(
            kind: "composer-repo",
            config: .object(["vcs": .array([.object(["url": .string("http://git.example.com/acme/lib.git"), "tokenEnv": .string("LIB_TOKEN")])])]),
            env: ["LIB_TOKEN": "glpat-s3cret"])
        defer { ctx.cleanUp() }
        let details = try await ComposerRepoSource().run(action: "update", revision: nil, params: .object([:]), context: ctx)
        guard case .done(_, let counts) = details else { Issue.record("update returned \(details)"); return }
        #expect(counts["problems"] == .number(1))
        let log = ctx.logLines.joined(separator: "\n")
        #expect(log.contains("allowInsecure"), "\(log)")
        #expect(!log.contains("glpat-s3cret"))
    }
}

import FerryCore
import Foundation
import PluginTestKit
import Testing
@testable import StaticSiteSource

/// `resolve` against real git repositories over `file://`.
@Suite(.offPool) struct ResolveTests {
    let plugin = StaticSiteSource()

    @Test func resolvesTheBranchHead() async throws {
        let repo = try await GitRepo()
        try await repo.commit(["index.html": "one"])
        let head = try await repo.commit(["index.html": "two"])
        let ctx = try TestSourceContext(config: Fixtures.config(repo.url))
        let revision = try #require(try await plugin.resolve(params: .object([:]), context: ctx))
        #expect(revision.id == head)
        #expect(revision.label == "main@sha1:\(head)")
        #expect(ctx.commands.first?.arguments == ["git", "ls-remote", "--", repo.url, "refs/heads/main"])
    }

    @Test func resolvesANamedCommitWithoutAskingGit() async throws {
        let repo = try await GitRepo()
        let first = try await repo.commit(["index.html": "one"])
        try await repo.git("checkout", "-q", "-b", "gh-pages")
        try await repo.commit(["index.html": "two"])
        let ctx = try TestSourceContext(config: Fixtures.config(repo.url, branch: "gh-pages"))
        let revision = try await plugin.resolve(params: .object(["commit": .string(first)]), context: ctx)
        #expect(revision == .git(branch: "gh-pages", commit: first))
        #expect(revision?.label == "gh-pages@sha1:\(first)")
        #expect(ctx.commands.isEmpty)
    }

    @Test func rejectsACommitThatIsNotHex() async throws {
        let ctx = try TestSourceContext(config: Fixtures.config(Fixtures.nowhere))
        let error = await #expect(throws: FerryError.self) {
            try await plugin.resolve(params: .object(["commit": .string("--upload-pack=evil")]), context: ctx)
        }
        #expect(error?.code == .invalidInput)
        #expect(error?.field == "params.commit")
    }

    @Test func aMissingBranchIsNamedInTheError() async throws {
        let repo = try await GitRepo()
        try await repo.commit(["index.html": "one"])
        let ctx = try TestSourceContext(config: Fixtures.config(repo.url, branch: "release"))
        let error = await #expect(throws: FerryError.self) {
            try await plugin.resolve(params: .object([:]), context: ctx)
        }
        #expect(error?.code == .failed)
        #expect(error?.message.contains("branch \"release\" not found in \(repo.url)") == true)
    }

    /// A stored config from before the check was made at apply is refused again before git runs.
    @Test func credentialsInTheRepoURLAreRefusedBeforeGitRunsAndNeverQuoted() async throws {
        let ctx = try TestSourceContext(config: Fixtures.config("http://alice:hunter2@127.0.0.1:9/site.git"))
        let error = await #expect(throws: FerryError.self) {
            try await plugin.resolve(params: .object([:]), context: ctx)
        }
        #expect(error?.field == "source.config.repo")
        #expect(error?.message.contains("hunter2") == false)
        #expect(error?.message.contains("source.config.tokenEnv") == true)
        #expect(ctx.commands.isEmpty)
    }
}

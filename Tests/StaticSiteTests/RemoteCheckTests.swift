import FerryCore
import Foundation
import PluginTestKit
import Testing
@testable import StaticSiteSource

/// The repository is checked against the host's git policy at apply (`validate`) and again
/// before git runs, so a config stored before the roots changed cannot reach git either.
@Suite(.offPool) struct RemoteCheckTests {
    @Test func withoutRootsAFileRepositoryIsRefusedAtApplySayingHowToAllowIt() throws {
        let config = Fixtures.config("file:///srv/git/site.git")
        #expect {
            try StaticSiteSource().validate(config: config, git: GitPolicy())
        } throws: { error in
            guard let error = error as? FerryError else { return false }
            return error.field == "source.config.repo" && error.message.contains("git: { fileRoots: [")
        }
        try StaticSiteSource().validate(config: config, git: GitPolicy(fileRoots: ["/srv/git"]))
    }

    @Test func aStoredRepositoryOutsideTheContextsRootsNeverReachesGit() async throws {
        let repo = try await GitRepo()
        try await repo.commit(["index.html": "one"])
        let ctx = try TestSourceContext(config: Fixtures.config(repo.url), git: GitPolicy(fileRoots: ["/srv/git"]))
        let error = await #expect(throws: FerryError.self) {
            try await StaticSiteSource().resolve(params: .object([:]), context: ctx)
        }
        #expect(error?.field == "source.config.repo")
        #expect(ctx.commands.isEmpty)
    }

    @Test func everyGitCommandGetsTheRemotesOwnProtocolAndNoPrompt() async throws {
        let repo = try await GitRepo()
        let head = try await repo.commit(["public/index.html": "one"])
        let ctx = try TestSourceContext(config: Fixtures.config(repo.url, folder: "public"))
        _ = try await StaticSiteSource().run(action: "deploy", revision: .git(branch: "main", commit: head), params: .object([:]), context: ctx)
        #expect(!ctx.commands.isEmpty)
        for command in ctx.commands {
            #expect(command.environment["GIT_ALLOW_PROTOCOL"] == "file", "\(command.arguments)")
            #expect(command.environment["GIT_TERMINAL_PROMPT"] == "0")
            if let at = command.arguments.firstIndex(of: repo.url) {
                #expect(command.arguments[..<at].contains("--"), "\(command.arguments)")
            }
        }
    }

    @Test func aBranchLikeAnOptionIsRefusedBeforeGitRuns() async throws {
        let ctx = try TestSourceContext(config: Fixtures.config(Fixtures.nowhere, branch: "--foo"))
        let error = await #expect(throws: FerryError.self) {
            try await StaticSiteSource().resolve(params: .object([:]), context: ctx)
        }
        #expect(error?.field == "source.config.branch")
        #expect(ctx.commands.isEmpty)
    }
}

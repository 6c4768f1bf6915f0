import FerryCore
import Foundation
import PluginTestKit
import Testing
@testable import StaticSiteSource

/// `run("deploy")` against real git repositories over `file://`.
@Suite(.offPool) struct DeployTests {
    let plugin = StaticSiteSource()

    @Test func deployBuildsExactlyTheNamedCommitAfterTheBranchMovedOn() async throws {
        let repo = try await GitRepo()
        let first = try await repo.commit(["index.html": "version one", "old.txt": "only in one"])
        try repo.remove("old.txt")
        let second = try await repo.commit(["index.html": "version two", "new.txt": "only in two"])
        let ctx = try TestSourceContext(config: Fixtures.config(repo.url))

        let outcome = try await plugin.run(action: "deploy", revision: .git(branch: "main", commit: first), params: .object([:]), context: ctx)

        #expect(try Fixtures.read(ctx.buildDirectory, "index.html") == "version one")
        #expect(try Fixtures.listing(ctx.buildDirectory) == ["index.html", "old.txt"])
        #expect(outcome == .built(meta: .object(["commit": .string(first), "branch": .string("main"), "files": .number(2), "folder": .string("."), "markdown": .bool(false)])))
        #expect(first != second)
    }

    /// Each deploy starts with an empty build folder, as the engine gives it.
    static func emptyBuild(_ ctx: TestSourceContext) throws {
        try FileManager.default.removeItem(at: ctx.buildDirectory)
        try FileManager.default.createDirectory(at: ctx.buildDirectory, withIntermediateDirectories: true)
    }

    @Test func aLaterDeployReusesTheCheckoutAndNothingOfTheEarlierCommitStaysInIt() async throws {
        let repo = try await GitRepo()
        let first = try await repo.commit(["index.html": "one", "old.txt": "old"])
        try repo.remove("old.txt")
        let second = try await repo.commit(["index.html": "two"])
        let ctx = try TestSourceContext(config: Fixtures.config(repo.url))
        _ = try await plugin.run(action: "deploy", revision: .git(branch: "main", commit: first), params: .object([:]), context: ctx)
        let checkout = ctx.stateDirectory.appendingPathComponent("checkout")
        try Data("stray".utf8).write(to: checkout.appendingPathComponent("stray.txt"))

        let before = ctx.commands.count
        try Self.emptyBuild(ctx)
        _ = try await plugin.run(action: "deploy", revision: .git(branch: "main", commit: second), params: .object([:]), context: ctx)
        let later = ctx.commands.dropFirst(before).map(\.arguments)
        #expect(!later.contains { $0.contains("init") }, "the repository is not made again: \(later)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: checkout.path).filter { $0 != ".git" } == ["index.html"])
        #expect(try String(contentsOf: checkout.appendingPathComponent("index.html"), encoding: .utf8) == "two")

        // A checkout that cannot be reused (here: its HEAD is gone) is made afresh.
        try FileManager.default.removeItem(at: checkout.appendingPathComponent(".git/HEAD"))
        let third = try await repo.commit(["index.html": "three"])
        try Self.emptyBuild(ctx)
        _ = try await plugin.run(action: "deploy", revision: .git(branch: "main", commit: third), params: .object([:]), context: ctx)
        #expect(try String(contentsOf: checkout.appendingPathComponent("index.html"), encoding: .utf8) == "three")
    }

    @Test func deployWithoutARevisionBuildsTheBranchHead() async throws {
        let repo = try await GitRepo()
        try await repo.commit(["index.html": "one"])
        let head = try await repo.commit(["index.html": "two"])
        let ctx = try TestSourceContext(config: Fixtures.config(repo.url))
        let outcome = try await plugin.run(action: "deploy", revision: nil, params: .object([:]), context: ctx)
        #expect(try Fixtures.read(ctx.buildDirectory, "index.html") == "two")
        guard case .built(let meta) = outcome else { Issue.record("expected .built"); return }
        #expect(meta["commit"] == .string(head))
    }

    @Test func fallsBackToFetchingTheBranchWhenTheServerRefusesABareCommit() async throws {
        let repo = try await GitRepo()
        let first = try await repo.commit(["index.html": "version one"])
        try await repo.commit(["index.html": "version two"])
        // Protocol v0 refuses unadvertised objects, as some servers do.
        let ctx = try TestSourceContext(config: Fixtures.config(repo.url), extraEnvironment: ["GIT_CONFIG_PARAMETERS": "'protocol.version=0'"])
        _ = try await plugin.run(action: "deploy", revision: .git(branch: "main", commit: first), params: .object([:]), context: ctx)
        #expect(try Fixtures.read(ctx.buildDirectory, "index.html") == "version one")
        #expect(ctx.logLines.contains { $0.contains("did not hand out \(first)") })
    }

    @Test func anAbbreviatedCommitIsExpandedAndBuilt() async throws {
        let repo = try await GitRepo()
        let first = try await repo.commit(["index.html": "version one"])
        try await repo.commit(["index.html": "version two"])
        let ctx = try TestSourceContext(config: Fixtures.config(repo.url))
        let revision = try await plugin.resolve(params: .object(["commit": .string(String(first.prefix(10)))]), context: ctx)
        let outcome = try await plugin.run(action: "deploy", revision: revision, params: .object([:]), context: ctx)
        #expect(try Fixtures.read(ctx.buildDirectory, "index.html") == "version one")
        guard case .built(let meta) = outcome else { Issue.record("expected .built"); return }
        #expect(meta["commit"] == .string(first))
    }

    @Test func aCommitThatDoesNotExistFailsWithAClearMessage() async throws {
        let repo = try await GitRepo()
        try await repo.commit(["index.html": "one"])
        let ctx = try TestSourceContext(config: Fixtures.config(repo.url))
        let missing = String(repeating: "ab", count: 20)
        let error = await #expect(throws: FerryError.self) {
            try await plugin.run(action: "deploy", revision: .git(branch: "main", commit: missing), params: .object([:]), context: ctx)
        }
        #expect(error?.message.contains("commit \(missing) not found") == true)
        #expect(try Fixtures.listing(ctx.buildDirectory).isEmpty)
    }

    @Test func publishesOnlyTheConfiguredFolder() async throws {
        let repo = try await GitRepo()
        try await repo.commit(["README.md": "repo readme", "src/app.js": "secret source", "public/index.html": "home", "public/css/site.css": "body{}"])
        let ctx = try TestSourceContext(config: Fixtures.config(repo.url, folder: "public/"))
        _ = try await plugin.run(action: "deploy", revision: nil, params: .object([:]), context: ctx)
        #expect(try Fixtures.listing(ctx.buildDirectory) == ["css/site.css", "index.html"])
        #expect(try Fixtures.read(ctx.buildDirectory, "css/site.css") == "body{}")
    }

    @Test func aMissingFolderNamesTheFolderAndRevision() async throws {
        let repo = try await GitRepo()
        let head = try await repo.commit(["index.html": "home"])
        let ctx = try TestSourceContext(config: Fixtures.config(repo.url, folder: "public"))
        let error = await #expect(throws: FerryError.self) {
            try await plugin.run(action: "deploy", revision: nil, params: .object([:]), context: ctx)
        }
        #expect(error?.code == .failed)
        #expect(error?.message.contains("folder \"public\" not found at main@sha1:\(head)") == true)
    }

    @Test(arguments: ["/etc", "../outside", "public/../../x", "a/.git"])
    func aFolderOutsideTheRepositoryIsInvalidInput(folder: String) async throws {
        let ctx = try TestSourceContext(config: Fixtures.config(Fixtures.nowhere, folder: folder))
        let error = await #expect(throws: FerryError.self) {
            try await plugin.run(action: "deploy", revision: .git(branch: "main", commit: String(repeating: "a", count: 40)), params: .object([:]), context: ctx)
        }
        #expect(error?.code == .invalidInput)
        #expect(error?.field == "source.config.folder")
        #expect(ctx.commands.isEmpty)
    }

    @Test func gitMetadataIsNeverCopied() async throws {
        let repo = try await GitRepo()
        try await repo.commit(["index.html": "home", "sub/page.html": "page"])
        let ctx = try TestSourceContext(config: Fixtures.config(repo.url, folder: "."))
        _ = try await plugin.run(action: "deploy", revision: nil, params: .object([:]), context: ctx)
        let files = try Fixtures.listing(ctx.buildDirectory)
        #expect(files == ["index.html", "sub/page.html"])
        #expect(!files.contains { $0.hasPrefix(".git") })
    }

    @Test func symlinksAreCopiedOnlyWhenTheyStayInsideTheRepository() async throws {
        let repo = try await GitRepo()
        let outside = try TempDir.make("outside")
        defer { try? FileManager.default.removeItem(at: outside) }
        try Data("TOP SECRET".utf8).write(to: outside.appendingPathComponent("secret.txt"))
        try repo.write(["public/index.html": "home", "assets/logo.svg": "<svg/>", "assets/img/a.png": "png"])
        try repo.symlink("public/passwd", to: "/etc/passwd")
        try repo.symlink("public/secret.txt", to: outside.appendingPathComponent("secret.txt").path)
        try repo.symlink("public/gitconfig", to: "../.git/config")
        try repo.symlink("public/dangling", to: "nope.txt")
        try repo.symlink("public/logo.svg", to: "../assets/logo.svg")
        try repo.symlink("public/img", to: "../assets/img")
        try repo.symlink("public/loop", to: ".")
        try await repo.commit()
        let ctx = try TestSourceContext(config: Fixtures.config(repo.url, folder: "public"))

        _ = try await plugin.run(action: "deploy", revision: nil, params: .object([:]), context: ctx)

        #expect(try Fixtures.listing(ctx.buildDirectory) == ["img/a.png", "index.html", "logo.svg"])
        #expect(try Fixtures.read(ctx.buildDirectory, "logo.svg") == "<svg/>")
        let kind = try FileManager.default.attributesOfItem(atPath: ctx.buildDirectory.appendingPathComponent("logo.svg").path)[.type] as? FileAttributeType
        #expect(kind == .typeRegular)
        for name in ["passwd", "secret.txt", "gitconfig"] {
            #expect(ctx.logLines.contains("skipping \(name): symlink points outside the repository"))
        }
        #expect(ctx.logLines.contains("skipping dangling: symlink target does not exist"))
        #expect(ctx.logLines.contains { $0.hasPrefix("skipping loop:") })
    }

    @Test func aFolderThatIsASymlinkOutOfTheRepositoryIsRefused() async throws {
        let repo = try await GitRepo()
        try repo.symlink("public", to: "/etc")
        try await repo.commit(["index.html": "home"])
        let ctx = try TestSourceContext(config: Fixtures.config(repo.url, folder: "public"))
        let error = await #expect(throws: FerryError.self) {
            try await plugin.run(action: "deploy", revision: nil, params: .object([:]), context: ctx)
        }
        #expect(error?.message.contains("leads outside the repository") == true)
        #expect(try Fixtures.listing(ctx.buildDirectory).isEmpty)
    }

    @Test func aFolderWithNothingToPublishFailsInsteadOfPublishingAnEmptySite() async throws {
        let repo = try await GitRepo()
        try repo.symlink("site/passwd", to: "/etc/passwd")
        let head = try await repo.commit(["index.html": "home"])
        let ctx = try TestSourceContext(config: Fixtures.config(repo.url, folder: "site"))
        let error = await #expect(throws: FerryError.self) {
            try await plugin.run(action: "deploy", revision: nil, params: .object([:]), context: ctx)
        }
        #expect(error?.message == "folder \"site\" at main@sha1:\(head) has no files to publish; the live site was left as it is")
    }

    @Test func progressAndLogDescribeEachStep() async throws {
        let repo = try await GitRepo()
        var files: [String: String] = [:]
        for i in 0..<120 { files["p/\(i).txt"] = "\(i)" }
        try await repo.commit(files)
        let ctx = try TestSourceContext(config: Fixtures.config(repo.url))
        _ = try await plugin.run(action: "deploy", revision: nil, params: .object([:]), context: ctx)
        let progress = ctx.progressNotes
        #expect(progress.contains { $0.note.hasPrefix("fetching main@sha1:") })
        #expect(progress.contains { $0.note == "copied 60/120 files" })
        #expect(progress.last?.note == "copied 120/120 files")
        #expect(progress.last?.fraction == 1)
        let fractions = progress.compactMap(\.fraction)
        #expect(fractions == fractions.sorted())
        #expect(progress.count < 70)
        #expect(ctx.logLines.contains { $0.hasPrefix("published 120 files from \".\" at main@sha1:") })
    }

    @Test func aCancelledJobStopsBeforeCopying() async throws {
        let repo = try await GitRepo()
        try await repo.commit(["index.html": "home"])
        let ctx = try TestSourceContext(config: Fixtures.config(repo.url))
        ctx.cancel()
        await #expect(throws: CancellationError.self) {
            try await plugin.run(action: "deploy", revision: .git(branch: "main", commit: String(repeating: "a", count: 40)), params: .object([:]), context: ctx)
        }
        #expect(try Fixtures.listing(ctx.buildDirectory).isEmpty)
    }

    @Test func anUnknownActionIsInvalidInput() async throws {
        let ctx = try TestSourceContext(config: Fixtures.config(Fixtures.nowhere))
        let error = await #expect(throws: FerryError.self) {
            try await plugin.run(action: "scan", revision: nil, params: .object([:]), context: ctx)
        }
        #expect(error?.code == .invalidInput)
    }
}

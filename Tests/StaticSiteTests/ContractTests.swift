import FerryCore
import Foundation
import PluginTestKit
import Testing
@testable import StaticSiteSource

/// The plugin's published contract: kind, mount, schema, actions, config checks, path checks.
@Suite(.offPool) struct ContractTests {
    @Test func kindMountAndActions() throws {
        let plugin = StaticSiteSource()
        #expect(StaticSiteSource.kind == "static-site")
        #expect(StaticSiteSource.mount == "sites")
        #expect(plugin.id == "source.static-site")
        #expect(plugin.actions.map(\.name) == ["deploy"])
        let deploy = try #require(plugin.action(named: "deploy"))
        #expect(deploy.producesBuild && deploy.idempotent)
        #expect(deploy.params.property("commit")?.pattern == "^[0-9a-f]{7,64}$")
    }

    @Test func schemaDefaultsAndValidation() throws {
        let schema = StaticSiteSource().schema
        #expect(schema.required == ["repo"])
        #expect(schema.properties.map(\.name) == ["repo", "branch", "folder", "markdown", "tokenEnv", "allowInsecure"])
        #expect(schema.property("repo")?.format == .url)
        let filled = try SchemaValidator().validated(.object(["repo": .string("https://git.example.com/a.git")]), against: schema, at: "source.config")
        #expect(filled == .object([
            "repo": .string("https://git.example.com/a.git"), "branch": .string("main"), "folder": .string(""),
            "markdown": .bool(false), "tokenEnv": .string("GIT_TOKEN"), "allowInsecure": .bool(false),
        ]))
        #expect(throws: FerryError.self) { try SchemaValidator().validated(.object([:]), against: schema, at: "source.config") }
    }

    @Test func configDecodesWithDefaultsWhenTheyAreMissing() throws {
        let config = try StaticSiteConfig.load(from: .object(["repo": .string("file:///srv/a.git"), "branch": .null]), git: GitPolicy(fileRoots: ["/srv"]))
        #expect(config == StaticSiteConfig(repo: "file:///srv/a.git"))
        #expect(try config.folderComponents() == [])
    }

    @Test(arguments: [("", []), (".", []), ("./", []), ("public", ["public"]), ("docs/site/", ["docs", "site"]), ("./a/./b", ["a", "b"])])
    func folderForms(folder: String, components: [String]) throws {
        #expect(try StaticSiteConfig(repo: "file:///a", folder: folder).folderComponents() == components)
    }

    @Test(arguments: ["ssh://git@host/a.git", "git@host:a.git", "ext::sh -c touch% /tmp/x", "-u", "/srv/a.git"])
    func onlyHTTPAndFileRepositoriesAreAccepted(repo: String) {
        #expect(throws: FerryError.self) { try StaticSiteConfig.load(from: .object(["repo": .string(repo)]), git: GitPolicy(fileRoots: ["/"])) }
    }

    @Test(arguments: ["-x", "a..b", "a b", "a~1", "HEAD^", "x.lock", "", "a:b", "ref/"])
    func badBranchNamesAreRefused(branch: String) {
        #expect(throws: FerryError.self) { try StaticSiteConfig.checkBranch(branch) }
    }

    @Test(arguments: ["main", "gh-pages", "feature/x", "release-1.2"])
    func goodBranchNamesPass(branch: String) throws {
        try StaticSiteConfig.checkBranch(branch)
    }

    @Test func pathResolution() {
        #expect(SitePathResolver.resolve("") == .init(path: "", isFolder: true, segments: []))
        #expect(SitePathResolver.resolve("docs/")?.lookup == "docs/index.html")
        #expect(SitePathResolver.resolve("docs")?.lookup == "docs")
        #expect(SitePathResolver.resolve("a%20b.html")?.path == "a b.html")
        #expect(SitePathResolver.resolve("%252e%252e")?.path == "%2e%2e")
        #expect(SitePathResolver.resolve("a/%2e%2e/b") == nil)
        #expect(SitePathResolver.resolve("a%0d%0aSet-Cookie:x") == nil)
        #expect(SitePathResolver.encode(["a b", "ü?#", "ok-._~"]) == "a%20b/%C3%BC%3F%23/ok-._~")
    }
}

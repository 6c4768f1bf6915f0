import FerryCore
import FerryEngine
import FerryServer
import FerryTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import PluginTestKit
import Testing

/// Git repository URLs and branches from workload files and bindings are checked when they are
/// applied: a 400 that names the field, and nothing stored. The server under test allows local
/// repositories under its temp folder only (`git.fileRoots`).
@Suite(.offPool) struct GitRemoteApplyTests {
    static func site(repo: String, branch: String = "main") -> String {
        "name: site\nsource: { kind: static-site, config: { repo: \"\(repo)\", branch: \"\(branch)\" } }\n"
    }

    static func polled(url: String, branch: String = "main") -> String {
        """
        name: polled
        source: { kind: static-site, config: { repo: "http://127.0.0.1:9/site.git" } }
        triggers:
          - { kind: registry-poll, config: { git: { url: "\(url)", branch: "\(branch)" } } }
        """
    }

    /// Applies `document` and returns the error the API answered with (nil when it took it).
    static func refusal(_ document: String, _ client: TestFerry.Client, _ engine: Engine) async throws -> (field: String?, message: String)? {
        let response = try await client.send(.post, "/api/apply", document, contentType: "application/yaml")
        guard response.status != .ok else { return nil }
        #expect(response.status == .badRequest)
        #expect(try engine.database.workloads().isEmpty, "a refused document stored a workload")
        let error = try client.decode(response)["error"]
        return (error?["field"]?.stringValue, error?["message"]?.stringValue ?? "")
    }

    @Test func aTokenInAStaticSiteRepoURLIsRefusedPointingAtTokenEnv() async throws {
        try await TestFerry.run { client, engine, _ in
            let refused = try await Self.refusal(Self.site(repo: "https://bot:ghp_s3cret@git.example.com/site.git"), client, engine)
            #expect(refused?.field == "source.config.repo")
            #expect(refused?.message.contains("source.config.tokenEnv") == true)
            #expect(refused?.message.contains("ghp_s3cret") == false)
        }
    }

    @Test func aTokenInARegistryPollGitURLIsRefusedPointingAtTokenEnv() async throws {
        try await TestFerry.run { client, engine, _ in
            let refused = try await Self.refusal(Self.polled(url: "https://x-access-token:ghp_s3cret@git.example.com/site.git"), client, engine)
            #expect(refused?.field == "triggers.0.config.git.url")
            #expect(refused?.message.contains("config.git.tokenEnv") == true)
            #expect(refused?.message.contains("ghp_s3cret") == false)
        }
    }

    @Test(arguments: ["--upload-pack=touch /tmp/ferry-pwned", "-x", "ext::sh -c touch% /tmp/ferry-pwned", "fd::3"])
    func optionLikeURLsAndRemoteHelpersAreRefused(_ url: String) async throws {
        try await TestFerry.run { client, engine, _ in
            let refused = try await Self.refusal(Self.polled(url: url), client, engine)
            #expect(refused?.field == "triggers.0.config.git.url")
        }
    }

    @Test func aBranchThatLooksLikeAnOptionIsRefused() async throws {
        try await TestFerry.run { client, engine, temp in
            let repo = try GitRepo(in: temp)
            #expect(try await Self.refusal(Self.site(repo: repo.url, branch: "--foo"), client, engine)?.field == "source.config.branch")
            let polled = try await Self.refusal(Self.polled(url: repo.url, branch: "--foo"), client, engine)
            #expect(polled?.field == "triggers.0.config.git.branch")
        }
    }

    @Test func aFileRepositoryOutsideTheRootsIsRefusedAndOneInsideDeploys() async throws {
        try await TestFerry.run { client, engine, temp in
            let outside = try await Self.refusal(Self.site(repo: "file:///etc/ferry-site.git"), client, engine)
            #expect(outside?.field == "source.config.repo")
            #expect(outside?.message.contains("git.fileRoots") == true)

            let repo = try GitRepo(in: temp)
            try repo.commit(["public/index.html": "inside"])
            try await client.apply(siteWorkload("site", repo: repo))
            let job = try await client.run("site")
            #expect(job["state"] == .string("succeeded"), "\(job)")
        }
    }

    @Test func aBindingWithACredentialedGitURLIsRefusedToo() async throws {
        try await TestFerry.run { client, engine, _ in
            let body = #"{"id": "p", "kind": "registry-poll", "config": {"git": {"url": "https://bot:ghp_s3cret@git.example.com/x.git"}}, "workloads": []}"#
            let response = try await client.send(.post, "/api/bindings", body)
            #expect(response.status == .badRequest)
            let error = try client.decode(response)["error"]
            #expect(error?["field"] == .string("config.git.url"))
            #expect(error?["message"]?.stringValue?.contains("ghp_s3cret") == false)
            #expect(try engine.database.binding("p") == nil)
        }
    }

    /// Relative roots in the server config are read against the working directory.
    @Test func theServerConfigReadsGitFileRoots() throws {
        let temp = try TempDir()
        let file = temp.url.appendingPathComponent("ferry.yaml")
        try Data("git: { fileRoots: [/srv/git, repos/local] }\n".utf8).write(to: file)
        let config = try ServerConfiguration.load(file: file.path)
        let cwd = FileManager.default.currentDirectoryPath
        #expect(config.gitFileRoots == ["/srv/git", URL(fileURLWithPath: cwd).appendingPathComponent("repos/local").standardizedFileURL.path])
        #expect(ServerConfiguration().gitFileRoots.isEmpty)
    }
}

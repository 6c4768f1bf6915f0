import FerryCore
import FerryTestSupport
import Foundation
import PluginTestKit
import Testing
@testable import RegistryPollTrigger

/// A registry-poll git upstream takes only a checked remote and branch, and its token only
/// from the bound workload's env.
@Suite struct GitRemotePollTests {
    static func config(_ url: String, branch: String = "main", tokenEnv: String? = nil) -> JSONValue {
        var git: [String: JSONValue] = ["url": .string(url), "branch": .string(branch)]
        if let tokenEnv { git["tokenEnv"] = .string(tokenEnv) }
        return .object(["git": .object(git)])
    }

    func refusal(_ config: JSONValue, git: GitPolicy = GitPolicy()) -> FerryError? {
        do {
            try RegistryPollTrigger().validate(config: config, git: git)
            return nil
        } catch { return error as? FerryError }
    }

    @Test func aTokenInTheURLIsRefusedPointingAtTokenEnv() {
        let error = refusal(Self.config("https://bot:ghp_s3cret@git.example.com/docs.git", tokenEnv: "DOCS_TOKEN"))
        #expect(error?.field == "config.git.url")
        #expect(error?.message.contains("config.git.tokenEnv (now DOCS_TOKEN)") == true)
        #expect(error?.message.contains("ghp_s3cret") == false)
    }

    @Test(arguments: ["--upload-pack=touch /tmp/ferry-pwned", "-x", "ext::sh -c touch% /tmp/ferry-pwned"])
    func optionsAndRemoteHelpersAreRefused(_ url: String) {
        #expect(refusal(Self.config(url))?.field == "config.git.url")
    }

    @Test func aBranchLikeAnOptionIsRefused() {
        #expect(refusal(Self.config("https://git.example.com/docs.git", branch: "--foo"))?.field == "config.git.branch")
    }

    @Test func aFileRemoteIsAllowedOnlyUnderTheRoots() throws {
        #expect(refusal(Self.config("file:///srv/git/docs.git"))?.message.contains("git.fileRoots") == true)
        #expect(refusal(Self.config("file:///etc/docs.git"), git: GitPolicy(fileRoots: ["/srv/git"]))?.field == "config.git.url")
        #expect(refusal(Self.config("file:///srv/git/docs.git"), git: GitPolicy(fileRoots: ["/srv/git"])) == nil)
    }

    /// The watcher checks again with its context's policy: a binding stored before the roots
    /// changed fails its poll, and no git command runs.
    @Test func theWatchersPolicyIsCheckedAgainBeforeGitRuns() throws {
        let dir = try TempDir()
        let repo = try GitRepo(in: dir.url)
        let ctx = TestWatchContext(
            kind: "registry-poll", config: Self.config(repo.url), clock: VirtualClock(Date(timeIntervalSince1970: 1_790_000_000)),
            git: GitPolicy())
        #expect(throws: FerryError.self) { try poller(ctx) }
    }

    @Test func theTokenReachesGitAsAHeaderInTheEnvironmentOnly() throws {
        let upstream = try GitUpstream(url: "https://git.example.com/docs.git", branch: "main", tokenEnv: nil, git: GitPolicy())
        let env = try upstream.environment(token: "ghp_s3cret")
        #expect(env["GIT_ALLOW_PROTOCOL"] == "https")
        #expect(env["GIT_TERMINAL_PROMPT"] == "0")
        #expect(env["GIT_CONFIG_KEY_0"] == "http.extraHeader")
        #expect(env["GIT_CONFIG_VALUE_0"] == "Authorization: Basic \(Data("x-access-token:ghp_s3cret".utf8).base64EncodedString())")
        #expect(!upstream.key.contains("ghp_s3cret"))
        let local = try GitUpstream(url: "file:///srv/git/docs.git", branch: "main", tokenEnv: nil, git: GitPolicy(fileRoots: ["/srv/git"]))
        #expect(try local.environment(token: "ghp_s3cret")["GIT_CONFIG_COUNT"] == nil)
    }

    @Test func aTokenDoesNotCrossPlainHTTPToAnotherHostUnlessAllowed() throws {
        let remote = try GitUpstream(url: "http://git.example.com/docs.git", branch: "main", tokenEnv: nil, git: GitPolicy())
        let refusal = #expect(throws: FerryError.self) { try remote.environment(token: "ghp_s3cret") }
        #expect(refusal?.field == "config.git.url")
        #expect(refusal?.message.contains("allowInsecure") == true)
        #expect(refusal?.message.contains("ghp_s3cret") == false)
        #expect(try remote.environment(token: nil)["GIT_CONFIG_COUNT"] == nil)
        let allowed = try GitUpstream(url: "http://git.example.com/docs.git", branch: "main", tokenEnv: nil, allowInsecure: true, git: GitPolicy())
        #expect(try allowed.environment(token: "ghp_s3cret")["GIT_CONFIG_KEY_0"] == "http.extraHeader")
        let loopback = try GitUpstream(url: "http://127.0.0.1:3000/docs.git", branch: "main", tokenEnv: nil, git: GitPolicy())
        #expect(try loopback.environment(token: "ghp_s3cret")["GIT_CONFIG_KEY_0"] == "http.extraHeader")
    }
}

import FerryCore
import FerryTestSupport
import Foundation
import PluginTestKit
import Testing
@testable import RegistryPollTrigger

/// A git branch polled with the real `git ls-remote`, config errors, and the version ranges
/// tag policies use.
@Suite struct GitAndConfigPollTests {
    @Test func gitBranchFiresWithTheNewCommitAsRevision() async throws {
        let dir = try TempDir()
        let repo = try GitRepo(in: dir.url)
        _ = try repo.commit(["index.html": "one"])
        let ctx = pollContext(.object(["git": .object(["url": .string(repo.url), "branch": .string("main")])]))
        var p = try poller(ctx)
        _ = try await p.poll(ctx)
        #expect(ctx.fired.isEmpty)
        let second = try repo.commit(["index.html": "two"])
        _ = try await p.poll(ctx)
        _ = try await p.poll(ctx)
        #expect(ctx.fired.map(\.revision) == [Revision.git(branch: "main", commit: second)])
    }

    @Test func configNeedsExactlyOneUpstreamAndKeepsTheFloor() throws {
        #expect(throws: FerryError.self) { try PollConfig(.object(["interval": .string("5m")]), git: GitPolicy()) }
        #expect(throws: FerryError.self) {
            try PollConfig(.object(["git": .object(["url": .string("x")]), "npm": .object(["registry": .string("x"), "package": .string("y")])]), git: GitPolicy())
        }
        let fast = try PollConfig(.object(["interval": .string("1s"), "git": .object(["url": .string("https://git.example.com/x.git")])]), git: GitPolicy())
        #expect(fast.interval == 30)
        #expect(try PollConfig(.object(["git": .object(["url": .string("https://git.example.com/x.git")])]), git: GitPolicy()).interval == 300)
        #expect(throws: FerryError.self) {
            try PollConfig(.object(["oci": .object(["registry": .string("http://x"), "repository": .string("a"), "semver": .string(">>1")])]), git: GitPolicy())
        }
    }

    @Test func theSchemaAcceptsTheDesignExamples() throws {
        let schema = RegistryPollTrigger().schema
        let examples: [JSONValue] = [
            .object(["interval": .string("5m"), "npm": .object(["registry": .string("https://registry.npmjs.org/"), "package": .string("lodash")])]),
            .object(["interval": .string("1m"), "git": .object(["url": .string("https://git.example.com/team/docs.git"), "branch": .string("main")])]),
            .object(["interval": .string("5m"), "oci": .object(["registry": .string("https://ghcr.io"), "repository": .string("acme/app"), "semver": .string(">=1.0.0")])]),
            .object(["interval": .string("5m"), "composer": .object(["url": .string("https://repo.example.com"), "package": .string("acme/lib")])]),
            .object(["interval": .string("15m"), "wordpress": .object(["api": .string("https://api.wordpress.org"), "plugins": .array([.string("akismet")])])]),
        ]
        for example in examples {
            let validated = try SchemaValidator().validated(example, against: schema, at: "config")
            _ = try PollConfig(validated, git: GitPolicy())
        }
    }

    @Test(arguments: [
        (">=1.0.0 <2.0.0", "1.5.0", true), (">=1.0.0 <2.0.0", "2.0.0", false), ("^1.2.3", "1.9.0", true),
        ("^1.2.3", "2.0.0", false), ("^0.2.3", "0.3.0", false), ("~1.2.3", "1.2.9", true), ("~1.2.3", "1.3.0", false),
        ("1.x", "1.99.0", true), ("1.x", "2.0.0", false), ("*", "3.0.0", true), ("*", "3.0.0-rc.1", false),
        (">=1.0.0-rc.1", "1.0.0-rc.2", true), ("<1.0.0 || >=2.0.0", "1.5.0", false), ("<1.0.0 || >=2.0.0", "2.1.0", true),
        ("1.2.3", "v1.2.3", true),
    ])
    func semverRanges(_ range: String, _ version: String, _ expected: Bool) throws {
        let r = try #require(SemverRange(range))
        let v = try #require(SemverVersion(loose: version))
        #expect(r.satisfies(v) == expected)
    }

    @Test func versionsOrderAsSemverSays() {
        let sorted = ["1.0.0", "1.0.0-rc.1", "1.0.0-alpha", "0.9.10", "0.9.9", "1.0.0-rc.10", "1.0.0-rc.2"].compactMap { SemverVersion(loose: $0) }.sorted()
        #expect(sorted.map(\.description) == ["0.9.9", "0.9.10", "1.0.0-alpha", "1.0.0-rc.1", "1.0.0-rc.2", "1.0.0-rc.10", "1.0.0"])
    }
}

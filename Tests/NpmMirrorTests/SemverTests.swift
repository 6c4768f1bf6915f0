import FerryCore
import FerryTestSupport
import Foundation
import PluginTestKit
import Testing
@testable import NpmMirrorSource

/// Range matching must agree with node-semver, since the offline npm client resolves the
/// closure the mirror fetched with it. The node-semver bundled in the installed npm is the oracle.
@Suite(.offPool) struct SemverTests {
    static let ranges = [
        "^1.2.3", "^0.2.3", "^0.0.3", "^1.2", "^0.0", "^0.x", "^1.x", "~1.2.3", "~1.2", "~1", "~0.2.3", "~>1.2.3",
        "1.x", "1.2.x", "1.2.*", "*", "", "x", "1", "1.2", ">=1.2.3", ">1.2.3", "<2.0.0", "<=1.2.3", ">1", ">1.2", "<1.2", "<=1.2",
        ">= 1.2.3 < 2", "1.2.3 - 2.3.4", "1.2 - 2.3.4", "1.2.3 - 2.3", "1.2.3 - 2", ">=1.0.0 <1.2.0 || >=2.0.0", "^1.2.3-beta.2",
        "~1.2.3-beta.2", ">=1.2.3-alpha.1 <1.2.4", "=1.2.3", "v1.2.3", "1.2.3", "^2 || ^3", "<1.0.0-0", ">=0.0.0", "^0.0.3-rc.1",
        "^10.0.0", "2.x.x", ">=1.2.7 <1.3.0", "1.0.0 - 1.0.0", "~0.0.1", "^0.1.0 || ^1.0.0-rc.1",
    ]
    static let versions = [
        "0.0.0", "0.0.3", "0.0.4", "0.0.3-rc.1", "0.0.3-rc.2", "0.1.0", "0.2.3", "0.2.4", "0.3.0", "0.9.9", "1.0.0", "1.0.0-rc.1",
        "1.0.1", "1.1.9", "1.2.0", "1.2.2", "1.2.3", "1.2.3-alpha.1", "1.2.3-beta.2", "1.2.3-beta.10", "1.2.3-beta", "1.2.4",
        "1.2.4-beta.1", "1.3.0", "1.9.9", "2.0.0", "2.0.0-0", "2.0.0-alpha", "2.3.3", "2.3.4", "2.3.5", "2.4.0", "3.0.0", "3.5.1",
        "10.0.0", "10.2.1", "11.0.0",
    ]

    @Test func rangesMatchExactlyWhatNodeSemverMatches() throws {
        let script = """
            const semver = require('/usr/lib/node_modules/npm/node_modules/semver');
            const ranges = JSON.parse(process.argv[1]), versions = JSON.parse(process.argv[2]);
            console.log(JSON.stringify(ranges.map(r => versions.map(v => semver.satisfies(v, r)))));
            """
        let encode = { (a: [String]) in String(decoding: try JSONEncoder().encode(a), as: UTF8.self) }
        let output = try Shell.run(["node", "-e", script, try encode(Self.ranges), try encode(Self.versions)])
        let oracle = try JSONDecoder().decode([[Bool]].self, from: Data(output.utf8))
        for (r, range) in Self.ranges.enumerated() {
            let parsed = try #require(SemverRange(range), "\(range) should parse")
            for (v, version) in Self.versions.enumerated() {
                let ours = parsed.satisfies(try #require(SemverVersion(version)))
                #expect(ours == oracle[r][v], "\(version) satisfies \"\(range)\": node-semver says \(oracle[r][v])")
            }
        }
    }

    /// Numbers past JavaScript's safe integers are invalid to node-semver; here they must also be
    /// invalid rather than overflow `major + 1` (a public registry GET once trapped on them).
    @Test func hugeNumbersAreInvalidAsNodeSemverSays() throws {
        let inputs = [
            "18446744073709551615", "18446744073709551615.0.0", "^18446744073709551615", "~1.18446744073709551615",
            "9007199254740991", "^9007199254740991", "~9007199254740991.9007199254740991", "<=9007199254740991.1",
            "9007199254740992.0.0", "1.2.99999999999999999999999", ">9007199254740991", "9007199254740991.0.0 - 9007199254740991",
        ]
        let script = """
            const semver = require('/usr/lib/node_modules/npm/node_modules/semver');
            console.log(JSON.stringify(JSON.parse(process.argv[1]).map(r => semver.validRange(r) !== null)));
            """
        let output = try Shell.run(["node", "-e", script, String(decoding: try JSONEncoder().encode(inputs), as: UTF8.self)])
        let oracle = try JSONDecoder().decode([Bool].self, from: Data(output.utf8))
        for (input, valid) in zip(inputs, oracle) {
            #expect((SemverRange(input) != nil) == valid, "\(input): node-semver says valid=\(valid)")
        }
        #expect(SemverVersion("18446744073709551615.0.0") == nil)
    }

    @Test func versionsSortAsNodeSemverSortsThem() throws {
        let script = """
            const semver = require('/usr/lib/node_modules/npm/node_modules/semver');
            console.log(JSON.stringify(semver.sort(JSON.parse(process.argv[1]))));
            """
        let shuffled = Self.versions.shuffled()
        let output = try Shell.run(["node", "-e", script, String(decoding: try JSONEncoder().encode(shuffled), as: UTF8.self)])
        let expected = try JSONDecoder().decode([String].self, from: Data(output.utf8))
        #expect(shuffled.compactMap(SemverVersion.init(_:)).sorted().map(\.description) == expected)
    }

    @Test(arguments: ["git+https://github.com/a/b.git", "github:a/b", "file:../x", "https://example.com/x.tgz", "a/b"])
    func specsNoRegistryServesAreNotFollowed(_ spec: String) {
        #expect(VersionPolicy.registrySpec(name: "x", spec: spec) == nil)
    }

    @Test func aliasesFollowTheRealPackage() throws {
        let alias = try #require(VersionPolicy.registrySpec(name: "old", spec: "npm:@scope/real@^2.1.0"))
        #expect(alias.name == "@scope/real" && alias.range == "^2.1.0")
    }

    @Test func pickPrefersLatestWhenItSatisfiesLikeNpm() {
        var p = Packument(name: "x")
        p.versions = ["1.0.0": .object([:]), "1.5.0": .object([:]), "1.6.0-beta.1": .object([:]), "2.0.0": .object([:])]
        p.distTags = ["latest": "1.0.0", "next": "2.0.0"]
        #expect(VersionPolicy.pick("^1.0.0", in: p) == "1.0.0")
        #expect(VersionPolicy.pick(">=1.1.0 <3", in: p) == "2.0.0")
        #expect(VersionPolicy.pick("next", in: p) == "2.0.0")
        #expect(VersionPolicy.pick("^3", in: p) == nil)
    }

    @Test func defaultPolicyWantsTaggedAndNewerVersionsOnly() {
        var upstream = Packument(name: "x")
        upstream.versions = ["1.0.0": .object([:]), "1.1.0": .object([:]), "1.2.0": .object([:]), "2.0.0-rc.1": .object([:]), "0.9.0": .object([:])]
        upstream.distTags = ["latest": "1.2.0", "legacy": "0.9.0"]
        #expect(VersionPolicy.wanted(.newAndTagged, upstream: upstream, stored: ["1.0.0"]) == ["0.9.0", "1.1.0", "1.2.0", "2.0.0-rc.1"])
        #expect(VersionPolicy.wanted(.tagged, upstream: upstream, stored: ["1.0.0"]) == ["0.9.0", "1.2.0"])
        #expect(VersionPolicy.wanted(.all, upstream: upstream, stored: []).count == 5)
    }
}

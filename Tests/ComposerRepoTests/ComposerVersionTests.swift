import PluginTestKit
import Testing
@testable import ComposerRepoSource

/// Cases from composer/semver's VersionParserTest: our `version_normalized` must be what the
/// client computes, and what it rejects must be rejected here.
@Suite(.offPool) struct ComposerVersionTests {
    @Test(arguments: [
        ("1.0.0", "1.0.0.0"), ("1.2.3.4", "1.2.3.4"), ("1.0.0RC1dev", "1.0.0.0-RC1-dev"), ("1.0.0-rC15-dev", "1.0.0.0-RC15-dev"),
        ("1.0.0.RC.15-dev", "1.0.0.0-RC15-dev"), ("1.0.0-rc1", "1.0.0.0-RC1"), ("1.0.0-pl3-dev", "1.0.0.0-patch3-dev"),
        ("1.0-dev", "1.0.0.0-dev"), ("0", "0.0.0.0"), ("10.4.13-beta", "10.4.13.0-beta"), ("10.4.13beta2", "10.4.13.0-beta2"),
        ("10.4.13-b", "10.4.13.0-beta"), ("10.4.13-b5", "10.4.13.0-beta5"), ("v1.0.0", "1.0.0.0"), ("2010.01", "2010.01.0.0"),
        ("2010.01.02", "2010.01.02.0"), ("2010-01-02", "2010.01.02"), ("2010-01-02.5", "2010.01.02.5"), ("20100102-203040", "20100102.203040"),
        ("dev-master", "dev-master"), ("trunk", "dev-trunk"), ("1.x-dev", "1.9999999.9999999.9999999-dev"), ("dev-feature-foo", "dev-feature-foo"),
        ("1.0.0+foo", "1.0.0.0"), ("1.0.0-alpha.3.1+foo", "1.0.0.0-alpha3.1"), ("1.0.0-stable", "1.0.0.0"), ("v1.0.0 as 1.0.x-dev", "1.0.0.0"),
        ("4.2.1@stable", "4.2.1.0"), ("3.6.3.1", "3.6.3.1"),
    ])
    func normalizesLikeComposer(_ input: String, _ expected: String) throws {
        #expect(try ComposerVersion.normalize(input) == expected)
    }

    @Test(arguments: ["", "a", "1.0.0-meh", "1.0.0.0.0", "feature-foo", "1.0 .2", "latest", "trunk-2024"])
    func rejectsWhatComposerRejects(_ input: String) {
        #expect(throws: ComposerVersion.Invalid.self) { try ComposerVersion.normalize(input) }
    }

    @Test(arguments: [("main", "dev-main", "dev-main"), ("1.x", "1.x-dev", "1.9999999.9999999.9999999-dev"), ("2.3", "2.3-dev", "2.3.9999999.9999999-dev")])
    func branchesBecomeDevVersions(_ branch: String, _ version: String, _ normalized: String) {
        #expect(ComposerVersion.branchVersion(branch) == (version, normalized))
    }

    @Test func ordersByNumberThenStability() {
        #expect(ComposerVersion.isNewer("1.10.0.0", than: "1.9.0.0"))
        #expect(ComposerVersion.isNewer("2.0.0.0", than: "2.0.0.0-RC1"))
        #expect(ComposerVersion.isNewer("2.0.0.0-RC1", than: "2.0.0.0-beta2"))
        #expect(!ComposerVersion.isNewer("1.0.0.0", than: "1.0.0.0"))
    }
}

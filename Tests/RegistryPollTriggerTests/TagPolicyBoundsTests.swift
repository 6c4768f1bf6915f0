import FerryCore
import Testing
@testable import RegistryPollTrigger

/// The OCI `regex` tag policy: patterns no step bound can save are field errors at apply.
@Suite struct TagPolicyBoundsTests {
    @Test(arguments: ["^(v?[0-9]+)+$", "(a)\\1"])
    func catastrophicPatternsAreRefused(pattern: String) {
        #expect {
            try TagPolicy(semver: nil, regex: pattern, field: "config.oci")
        } throws: { error in
            (error as? FerryError)?.field == "config.oci.regex"
        }
    }

    @Test func anOrdinaryPatternStillPicksTheNewest() throws {
        let policy = try TagPolicy(semver: nil, regex: "^v[0-9]+\\.[0-9]+\\.[0-9]+$", field: "config.oci")
        #expect(policy.newest(["v1.2.0", "v1.10.0", "latest", "v1.9.9"]) == "v1.10.0")
    }
}

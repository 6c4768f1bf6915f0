import Foundation
import FerryTestSupport
import PluginTestKit
import Testing
@testable import ComposerRepoSource

/// The constraints an advisory may carry: what Composer's parser accepts passes, what would make
/// `composer audit` throw does not. Composer's own parser (composer/semver, run with php) is the
/// oracle for every row.
@Suite(.offPool) struct VersionConstraintTests {
    static let accepted = [
        ">=1.0,<1.8.0", ">=1.0 <1.8.0", "<1.0", "^2.0 || ~3.1.0", "^2.0|~3.1.0", "1.2.*", "1.0 - 2.0", "*",
        ">= 1.0, < 2.0", "dev-main", "1.0.0-beta1", "!=1.5.0", ">=4.0.0-alpha1,<4.2.1@dev", "v1.2.3",
    ]
    static let refused = ["", "this is not a constraint!!", ">=", "1.0 ||", "<<1.0", "1.0 - ", ">=1.0@nightly"]

    @Test func ferryAgreesWithComposersOwnParser() async throws {
        let oracle = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/constraint-oracle.php")
        let cases = Self.accepted + Self.refused
        let answers = try await Shell.output(["php", oracle.path] + cases).split(separator: "\n").map(String.init)
        #expect(answers.count == cases.count)
        for (constraint, answer) in zip(cases, answers) {
            #expect(VersionConstraint.isValid(constraint) == (answer == "ok"), "[\(constraint)]: composer says \(answer)")
        }
        #expect(answers.filter { $0 == "ok" }.count == Self.accepted.count, "the table's two halves are what composer says")
    }

    @Test func anOverlongConstraintIsRefused() {
        #expect(!VersionConstraint.isValid(String(repeating: "1", count: 2_000)))
    }
}

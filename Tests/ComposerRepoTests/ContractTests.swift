import FerryCore
import Testing
@testable import ComposerRepoSource

@Suite struct ContractTests {
    @Test func kindIsStable() {
        #expect(ComposerRepoSource.kind == "composer-repo")
    }
}

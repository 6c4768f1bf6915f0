import FerryCore
import PluginTestKit
import Testing
@testable import ComposerRepoSource

@Suite(.offPool) struct ContractTests {
    @Test func kindIsStable() {
        #expect(ComposerRepoSource.kind == "composer-repo")
    }
}

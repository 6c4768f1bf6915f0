import FerryCore
import PluginTestKit
import Testing
@testable import NpmMirrorSource

@Suite(.offPool) struct ContractTests {
    @Test func kindIsStable() {
        #expect(NpmMirrorSource.kind == "npm-mirror")
    }
}

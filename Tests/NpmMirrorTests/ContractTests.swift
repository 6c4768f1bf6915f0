import FerryCore
import Testing
@testable import NpmMirrorSource

@Suite struct ContractTests {
    @Test func kindIsStable() {
        #expect(NpmMirrorSource.kind == "npm-mirror")
    }
}

import FerryCore
import Testing
@testable import RegistryPollTrigger

@Suite struct ContractTests {
    @Test func kindIsStable() {
        #expect(RegistryPollTrigger.kind == "registry-poll")
    }
}

import FerryCore
import Testing
@testable import ScheduleTrigger

@Suite struct ContractTests {
    @Test func kindIsStable() {
        #expect(ScheduleTrigger.kind == "schedule")
    }
}

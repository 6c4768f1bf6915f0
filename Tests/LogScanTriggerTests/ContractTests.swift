import FerryCore
import Testing
@testable import LogScanTrigger

@Suite struct ContractTests {
    @Test func kindIsStable() {
        #expect(LogScanTrigger.kind == "log-scan")
    }
}

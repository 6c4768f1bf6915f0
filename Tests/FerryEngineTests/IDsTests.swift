import Foundation
import Testing
@testable import FerryEngine

/// Ids read as `<prefix>-<UTC day>-<UTC time>-<12 hex digits>` and sort by creation time.
@Suite struct IDsTests {
    @Test(arguments: [0.0, 1_795_000_000.75, 951_782_400, 4_102_444_799])
    func theTimeIsTheUTCSecondAsADateFormatterWritesIt(_ seconds: Double) {
        let date = Date(timeIntervalSince1970: seconds)
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        let id = IDs.make("e", at: date)
        #expect(id.hasPrefix("e-\(formatter.string(from: date))-"), "\(id)")
        #expect(id.range(of: #"^e-[0-9]{8}-[0-9]{6}-[0-9a-f]{12}$"#, options: .regularExpression) != nil, "\(id)")
    }

    @Test func idsMadeInTheSameSecondDiffer() {
        let now = Date()
        #expect(Set((0..<10_000).map { _ in IDs.make("e", at: now) }).count == 10_000)
    }
}

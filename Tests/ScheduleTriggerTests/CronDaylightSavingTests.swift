import FerryCore
import Foundation
import Testing

/// DST, as Debian's Vixie cron does it (see `CronExpression`): fixed-time schedules run a
/// skipped time once when the clock jumps and a repeated time once; wildcard schedules follow
/// the wall clock. Real zones: Europe/Berlin (29 Mar 2026 02:00→03:00, 25 Oct 2026 03:00→02:00)
/// and America/New_York (8 Mar 2026 02:00→03:00, 1 Nov 2026 02:00→01:00).
@Suite struct CronDaylightSavingTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var zone: String
        var cron: String
        var after: String
        var expected: [String]
        var note: String
        var testDescription: String { "\(zone) \(cron): \(note)" }
    }

    static let cases: [Case] = [
        Case(zone: "Europe/Berlin", cron: "30 2 * * *", after: "2026-03-28T12:00:00Z",
             expected: ["2026-03-29T01:00:00Z", "2026-03-30T00:30:00Z"],
             note: "02:30 does not exist on 29 March: runs at 03:00 CEST, the moment of the jump"),
        Case(zone: "Europe/Berlin", cron: "*/30 * * * *", after: "2026-03-29T00:45:00Z",
             expected: ["2026-03-29T01:00:00Z", "2026-03-29T01:30:00Z"],
             note: "wildcard: 02:00 and 02:30 simply do not occur"),
        Case(zone: "Europe/Berlin", cron: "0,15,30,45 2 * * *", after: "2026-03-28T12:00:00Z",
             expected: ["2026-03-29T01:00:00Z", "2026-03-30T00:00:00Z"],
             note: "four fixed times in the gap become one run at the jump"),
        Case(zone: "Europe/Berlin", cron: "30 2 * * *", after: "2026-10-24T12:00:00Z",
             expected: ["2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z"],
             note: "02:30 happens twice on 25 October: runs once, the first time (CEST)"),
        Case(zone: "Europe/Berlin", cron: "0 * * * *", after: "2026-10-24T23:30:00Z",
             expected: ["2026-10-25T00:00:00Z", "2026-10-25T01:00:00Z", "2026-10-25T02:00:00Z"],
             note: "hourly (wildcard): 02:00 CEST, 02:00 CET again, then 03:00 CET"),
        Case(zone: "America/New_York", cron: "30 2 * * *", after: "2026-03-07T12:00:00Z",
             expected: ["2026-03-08T07:00:00Z", "2026-03-09T06:30:00Z"],
             note: "02:30 does not exist on 8 March: runs at 03:00 EDT"),
        Case(zone: "America/New_York", cron: "30 1 * * *", after: "2026-10-31T12:00:00Z",
             expected: ["2026-11-01T05:30:00Z", "2026-11-02T06:30:00Z"],
             note: "01:30 happens twice on 1 November: runs once (EDT)"),
        Case(zone: "America/New_York", cron: "0 3 * * *", after: "2026-03-07T12:00:00Z",
             expected: ["2026-03-08T07:00:00Z", "2026-03-09T07:00:00Z"],
             note: "nightly at 03:00 is untouched by the change"),
    ]

    @Test(arguments: cases) func fireTimes(_ c: Case) throws {
        let zone = try #require(TimeZone(identifier: c.zone))
        let cron = try CronExpression.parse(c.cron)
        #expect(cron.upcoming(after: utc(c.after), count: c.expected.count, in: zone).map(iso) == c.expected)
    }

    @Test func everyIgnoresTheWallClock() throws {
        let cron = try CronExpression.parse("@every 1h")
        let got = cron.upcoming(after: utc("2026-10-24T23:30:00Z"), count: 4, in: berlin).map(iso)
        #expect(got == ["2026-10-25T00:00:00Z", "2026-10-25T01:00:00Z", "2026-10-25T02:00:00Z", "2026-10-25T03:00:00Z"])
    }
}

import FerryCore
import Foundation
import Testing

/// Next fire times of five-field schedules and macros, from fixed instants, in UTC.
@Suite struct CronNextFireTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var cron: String
        var after: String
        var expected: [String]
        var testDescription: String { "\(cron) after \(after)" }
    }

    static let cases: [Case] = [
        // The seeds' timetable.
        Case(cron: "*/5 * * * *", after: "2026-01-01T00:02:30Z", expected: ["2026-01-01T00:05:00Z", "2026-01-01T00:10:00Z", "2026-01-01T00:15:00Z"]),
        Case(cron: "@hourly", after: "2026-01-01T00:59:59Z", expected: ["2026-01-01T01:00:00Z", "2026-01-01T02:00:00Z", "2026-01-01T03:00:00Z"]),
        Case(cron: "0 */12 * * *", after: "2026-01-01T00:00:00Z", expected: ["2026-01-01T12:00:00Z", "2026-01-02T00:00:00Z", "2026-01-02T12:00:00Z"]),
        Case(cron: "0 3 * * *", after: "2026-01-01T03:00:00Z", expected: ["2026-01-02T03:00:00Z", "2026-01-03T03:00:00Z", "2026-01-04T03:00:00Z"]),
        // Names, ranges, lists and steps.
        Case(cron: "0 0 * * mon-fri", after: "2026-01-02T00:00:00Z", expected: ["2026-01-05T00:00:00Z", "2026-01-06T00:00:00Z", "2026-01-07T00:00:00Z"]),
        Case(cron: "15 14 1 jan,jul *", after: "2026-02-01T00:00:00Z", expected: ["2026-07-01T14:15:00Z", "2027-01-01T14:15:00Z", "2027-07-01T14:15:00Z"]),
        Case(cron: "5/20 * * * *", after: "2026-01-01T00:00:00Z", expected: ["2026-01-01T00:05:00Z", "2026-01-01T00:25:00Z", "2026-01-01T00:45:00Z"]),
        Case(cron: "0 8-18/4 * * *", after: "2026-01-01T09:00:00Z", expected: ["2026-01-01T12:00:00Z", "2026-01-01T16:00:00Z", "2026-01-02T08:00:00Z"]),
        // 7 is Sunday too; 2026-01-01 is a Thursday.
        Case(cron: "0 0 * * 7", after: "2026-01-01T00:00:00Z", expected: ["2026-01-04T00:00:00Z", "2026-01-11T00:00:00Z", "2026-01-18T00:00:00Z"]),
        // Both day fields restricted: either matches (Vixie cron).
        Case(cron: "0 0 13 * fri", after: "2026-01-01T00:00:00Z", expected: ["2026-01-02T00:00:00Z", "2026-01-09T00:00:00Z", "2026-01-13T00:00:00Z"]),
        // Day of month restricted, day of week `*`: both must match, so only the 13th.
        Case(cron: "0 0 13 * *", after: "2026-01-01T00:00:00Z", expected: ["2026-01-13T00:00:00Z", "2026-02-13T00:00:00Z", "2026-03-13T00:00:00Z"]),
        Case(cron: "0 0 29 2 *", after: "2026-01-01T00:00:00Z", expected: ["2028-02-29T00:00:00Z", "2032-02-29T00:00:00Z"]),
        Case(cron: "@daily", after: "2026-12-31T23:59:00Z", expected: ["2027-01-01T00:00:00Z"]),
        Case(cron: "@weekly", after: "2026-01-01T00:00:00Z", expected: ["2026-01-04T00:00:00Z"]),
        Case(cron: "@monthly", after: "2026-01-31T00:00:00Z", expected: ["2026-02-01T00:00:00Z"]),
        Case(cron: "@yearly", after: "2026-01-01T00:00:00Z", expected: ["2027-01-01T00:00:00Z"]),
        // @every counts whole multiples since the epoch, so restarts keep the same times.
        Case(cron: "@every 5m", after: "2026-01-01T00:02:30Z", expected: ["2026-01-01T00:05:00Z", "2026-01-01T00:10:00Z", "2026-01-01T00:15:00Z"]),
        Case(cron: "@every 12h", after: "2026-01-01T05:00:00Z", expected: ["2026-01-01T12:00:00Z", "2026-01-02T00:00:00Z", "2026-01-02T12:00:00Z"]),
    ]

    @Test(arguments: cases) func nextFires(_ c: Case) throws {
        let cron = try CronExpression.parse(c.cron)
        let got = cron.upcoming(after: utc(c.after), count: c.expected.count, in: utcZone).map(iso)
        #expect(got == c.expected)
    }

    @Test func nextIsStrictlyAfterTheGivenInstant() throws {
        let cron = try CronExpression.parse("*/5 * * * *")
        #expect(cron.next(after: utc("2026-01-01T00:05:00Z"), in: utcZone) == utc("2026-01-01T00:10:00Z"))
    }

    @Test func fieldsAreReadInTheScheduleZone() throws {
        // 03:00 in Berlin is 02:00 UTC in winter and 01:00 UTC in summer.
        let nightly = try CronExpression.parse("0 3 * * *")
        #expect(nightly.next(after: utc("2026-01-10T00:00:00Z"), in: berlin) == utc("2026-01-10T02:00:00Z"))
        #expect(nightly.next(after: utc("2026-07-10T00:00:00Z"), in: berlin) == utc("2026-07-10T01:00:00Z"))
    }

    @Test func aScheduleThatNeverFiresHasNoNextTime() throws {
        #expect(try CronExpression.parse("0 0 30 2 *").next(after: utc("2026-01-01T00:00:00Z"), in: utcZone) == nil)
    }
}

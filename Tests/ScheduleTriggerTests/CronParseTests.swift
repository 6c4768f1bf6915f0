import FerryCore
import Foundation
import Testing

/// What the parser refuses, and how it says so.
@Suite struct CronParseTests {
    @Test(arguments: [
        ("* * * *", "expected five fields"),
        ("60 * * * *", "minute \"60\" is not in 0-59"),
        ("* 24 * * *", "hour \"24\" is not in 0-23"),
        ("* * 0 * *", "day of month \"0\" is not in 1-31"),
        ("* * * foo *", "month \"foo\" is not in 1-12 or jan-dec"),
        ("* * * * funday", "day of week \"funday\" is not in 0-7 or sun-sat"),
        ("*/0 * * * *", "step \"0\""),
        ("5-1 * * * *", "runs backwards"),
        ("1,,2 * * * *", "malformed"),
        ("@sometimes", "unknown macro"),
        ("@every", "@every needs a duration"),
        ("@every 0s", "at least 1s"),
    ])
    func refuses(_ text: String, _ why: String) {
        let problem = CronExpression.problem(text)
        #expect(problem?.contains(why) == true, "\(text): \(problem ?? "accepted")")
    }

    @Test func parseErrorsNameTheField() {
        #expect {
            try CronExpression.parse("61 * * * *", field: "config.cron")
        } throws: { error in
            (error as? FerryError)?.field == "config.cron" && "\(error)".contains("minute \"61\"")
        }
    }

    @Test func namesAreCaseInsensitive() throws {
        let a = try CronExpression.parse("0 0 * JAN-Mar MON")
        let b = try CronExpression.parse("0 0 * 1-3 1")
        let from = utc("2026-01-01T00:00:00Z")
        #expect(a.upcoming(after: from, count: 5, in: utcZone) == b.upcoming(after: from, count: 5, in: utcZone))
    }

    @Test func theSchemaValidatorChecksCronFields() {
        let schema = ConfigSchema.object([.init("cron", .string(format: .cron))])
        #expect(SchemaValidator().issues(.object(["cron": .string("*/5 * * * *")]), against: schema, at: "config").isEmpty)
        let issues = SchemaValidator().issues(.object(["cron": .string("*/5 * * *")]), against: schema, at: "config")
        #expect(issues.map(\.path) == ["config.cron"])
    }
}

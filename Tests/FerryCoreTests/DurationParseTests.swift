import FerryCore
import Testing

/// `Duration.parse`: the durations people write in workload files (`interval: 5m`).
@Suite struct DurationParseTests {
    @Test(arguments: [
        ("500ms", Duration.milliseconds(500)),
        ("30s", .seconds(30)),
        ("5m", .seconds(300)),
        ("12h", .seconds(12 * 3600)),
        ("1d", .seconds(86400)),
        ("0s", .zero),
        ("1h30m", .seconds(5400)),
        ("1d2h3m4s", .seconds(86400 + 7200 + 180 + 4)),
        ("1s500ms", .milliseconds(1500)),
        ("90m", .seconds(5400)),
        (" 5m ", .seconds(300)),
        ("007s", .seconds(7)),
    ])
    func parses(text: String, expected: Duration) {
        #expect(Duration.parse(text) == expected)
    }

    @Test(arguments: [
        "", "   ", "5", "m", "ms", "5x", "5M", "5mm", "5 m", "-5s", "+5s", "1.5h", "5m3", "h5", "5m 3s", "1h-30m", "5m!", "five",
    ])
    func refuses(text: String) {
        #expect(Duration.parse(text) == nil)
    }

    /// Input comes from people (workload files, the API): a number too large for its unit must be
    /// refused, not overflow. Run in a child process, so a crash fails this test only.
    @Test func aNumberTooLargeForItsUnitIsRefusedNotACrash() async {
        await #expect(processExitsWith: .success) {
            precondition(Duration.parse("999999999999999999m") == nil, "minutes overflow")
            precondition(Duration.parse("9999999999999999h") == nil, "hours overflow")
            precondition(Duration.parse("999999999999999d") == nil, "days overflow")
            precondition(Duration.parse("99999999999999999999s") == nil, "seconds beyond Int64")
        }
    }
}

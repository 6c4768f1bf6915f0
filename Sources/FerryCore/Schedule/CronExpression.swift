import Foundation

/// A cron schedule as people write it in workload files: five fields (`*/5 * * * *`), the
/// `@hourly`-style macros, or `@every 5m`. Pure: parsing and next-fire computation take the
/// time zone as an argument and do no I/O, so they are table-tested with fixed instants.
///
/// Fields: minute 0–59, hour 0–23, day of month 1–31, month 1–12 or `jan`–`dec`, day of week
/// 0–7 or `sun`–`sat` (0 and 7 are Sunday). Each field is a list (`1,15`) of `*`, a value, a
/// range (`mon-fri`), each optionally stepped (`*/15`, `8-18/2`, `5/10` = from 5 to the end).
/// As in Vixie cron, when both day of month and day of week are restricted a day matching
/// either runs; when one of them starts with `*`, both must match.
///
/// Daylight saving time, as Debian's Vixie cron defines it (`man 8 cron`):
/// * A **fixed-time** schedule (neither the minute nor the hour field starts with `*`, e.g.
///   `30 2 * * *`): a wall time skipped by a spring-forward runs once, at the moment the clock
///   jumps (02:30 in Berlin on the last Sunday of March runs at 03:00 CEST); a wall time that a
///   fall-back repeats runs once, at its first occurrence.
/// * A **wildcard** schedule (`*/5 * * * *`, `@hourly` = `0 * * * *`) follows the wall clock:
///   skipped wall times do not occur, repeated ones run again.
/// * `@every <duration>` ignores the wall clock: it fires at whole multiples of the duration
///   since the Unix epoch (`@every 5m` at :00, :05, …; `@every 12h` at 00:00 and 12:00 UTC), so
///   the times are the same after a restart.
public struct CronExpression: Sendable, Equatable, CustomStringConvertible {
    /// The text as written.
    public let description: String
    let kind: Kind

    enum Kind: Sendable, Equatable {
        case fields(Fields)
        case every(seconds: Int64)
    }

    struct Fields: Sendable, Equatable {
        var minutes: UInt64
        var hours: UInt64
        var daysOfMonth: UInt64
        var months: UInt64
        var daysOfWeek: UInt64
        var dayOfMonthStar: Bool
        var dayOfWeekStar: Bool
        /// Neither minute nor hour starts with `*`: DST gaps move, repeats run once.
        var fixedTime: Bool
    }

    static let macros: [String: String] = [
        "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *", "@weekly": "0 0 * * 0",
        "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@hourly": "0 * * * *",
    ]
    static let monthNames = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    static let dayNames = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]

    /// Parses a schedule; the error says what is wrong and where (`field` names the config key).
    public static func parse(_ text: String, field: String = "cron") throws -> CronExpression {
        do { return try parseOrExplain(text) } catch let problem as Problem { throw FerryError.invalid(field, problem.message) }
    }

    /// What is wrong with a schedule, or nil when it parses: for the schema validator's `format: cron`.
    public static func problem(_ text: String) -> String? {
        do { _ = try parseOrExplain(text) } catch let problem as Problem { return problem.message } catch { return "\(error)" }
        return nil
    }

    struct Problem: Error {
        var message: String
    }

    private static func parseOrExplain(_ text: String) throws -> CronExpression {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        func invalid(_ why: String) -> Problem { Problem(message: "\"\(text)\" is not a cron schedule: \(why)") }
        if trimmed.lowercased().hasPrefix("@every") {
            let rest = trimmed.dropFirst("@every".count).trimmingCharacters(in: .whitespaces)
            guard let duration = Duration.parse(rest) else { throw invalid("@every needs a duration like 30s, 5m or 12h") }
            let seconds = duration.components.seconds
            guard seconds >= 1 else { throw invalid("@every needs at least 1s") }
            return CronExpression(description: text, kind: .every(seconds: seconds))
        }
        var source = trimmed
        if trimmed.hasPrefix("@") {
            guard let expanded = macros[trimmed.lowercased()] else {
                throw invalid("unknown macro; use @hourly, @daily, @weekly, @monthly, @yearly, @midnight or @every <duration>")
            }
            source = expanded
        }
        let parts = source.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard parts.count == 5 else { throw invalid("expected five fields (minute hour day-of-month month day-of-week), got \(parts.count)") }
        let minutes = try parseField(parts[0], 0...59, names: [], what: "minute", invalid)
        let hours = try parseField(parts[1], 0...23, names: [], what: "hour", invalid)
        let dom = try parseField(parts[2], 1...31, names: [], what: "day of month", invalid)
        let months = try parseField(parts[3], 1...12, names: monthNames, what: "month", invalid)
        var dow = try parseField(parts[4], 0...7, names: dayNames, what: "day of week", invalid)
        if dow & (1 << 7) != 0 { dow = (dow | 1) & ~(1 << 7) }
        return CronExpression(description: text, kind: .fields(Fields(
            minutes: minutes, hours: hours, daysOfMonth: dom, months: months, daysOfWeek: dow,
            dayOfMonthStar: parts[2].hasPrefix("*"), dayOfWeekStar: parts[4].hasPrefix("*"),
            fixedTime: !parts[0].hasPrefix("*") && !parts[1].hasPrefix("*"))))
    }

    private static func parseField(
        _ text: String, _ range: ClosedRange<Int>, names: [String], what: String, _ invalid: (String) -> Problem
    ) throws -> UInt64 {
        func value(_ s: Substring) throws -> Int {
            if let n = Int(s), range.contains(n) { return n }
            if let i = names.firstIndex(of: s.lowercased()) { return i + range.lowerBound }
            throw invalid("\(what) \"\(s)\" is not in \(range.lowerBound)-\(range.upperBound)\(names.isEmpty ? "" : " or \(names.first!)-\(names.last!)")")
        }
        var bits: UInt64 = 0
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            let pieces = item.split(separator: "/", omittingEmptySubsequences: false)
            guard !item.isEmpty, pieces.count <= 2 else { throw invalid("\(what) \"\(item)\" is malformed") }
            var step = 1
            if pieces.count == 2 {
                guard let s = Int(pieces[1]), s >= 1, s <= range.upperBound else { throw invalid("\(what) step \"\(pieces[1])\" is not a positive number in range") }
                step = s
            }
            var low: Int, high: Int
            if pieces[0] == "*" {
                (low, high) = (range.lowerBound, range.upperBound)
            } else if let dash = pieces[0].firstIndex(of: "-") {
                low = try value(pieces[0][..<dash])
                high = try value(pieces[0][pieces[0].index(after: dash)...])
                guard low <= high else { throw invalid("\(what) range \"\(pieces[0])\" runs backwards") }
            } else {
                low = try value(pieces[0])
                high = pieces.count == 2 ? range.upperBound : low
            }
            for v in stride(from: low, through: high, by: step) { bits |= 1 << UInt64(v) }
        }
        return bits
    }

    /// Whether a spring-forward gap moves this schedule's firings rather than dropping them.
    public var isFixedTime: Bool {
        if case .fields(let f) = kind { return f.fixedTime }
        return false
    }

    /// The first fire time strictly after `date`, in `zone`; nil only for a schedule that never
    /// fires (`0 0 30 2 *`) within eight years.
    public func next(after date: Date, in zone: TimeZone) -> Date? {
        switch kind {
        case .every(let seconds):
            let t = Int64(floor(date.timeIntervalSince1970))
            return Date(timeIntervalSince1970: TimeInterval((t / seconds + 1) * seconds))
        case .fields(let fields):
            return CronWallClock(fields: fields, zone: zone).next(after: date)
        }
    }

    /// The next `count` fire times after `date`.
    public func upcoming(after date: Date, count: Int, in zone: TimeZone) -> [Date] {
        var out: [Date] = []
        var cursor = date
        while out.count < count, let next = next(after: cursor, in: zone) {
            out.append(next)
            cursor = next
        }
        return out
    }
}

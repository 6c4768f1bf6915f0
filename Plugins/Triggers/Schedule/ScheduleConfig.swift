import FerryCore
import Foundation

/// A `schedule` binding's config, decoded and checked: `cron`, `timezone` (IANA, default UTC),
/// `jitter` (a duration added at random to each firing) and `catchUp` (`once` or `skip`).
struct ScheduleConfig: Sendable {
    enum CatchUp: String, Sendable {
        /// Runs missed while Ferry was down become one run at start-up.
        case once
        /// Missed runs are recorded as skipped; the next run is the next slot.
        case skip
    }

    var cron: CronExpression
    var zone: TimeZone
    var jitter: TimeInterval
    var catchUp: CatchUp

    init(_ config: JSONValue) throws {
        guard let text = config["cron"]?.stringValue else { throw FerryError.invalid("config.cron", "required") }
        cron = try CronExpression.parse(text, field: "config.cron")
        let zoneName = config["timezone"]?.stringValue ?? "UTC"
        guard let zone = TimeZone(identifier: zoneName) else {
            throw FerryError.invalid("config.timezone", "\"\(zoneName)\" is not an IANA time zone (e.g. UTC, Europe/Berlin)")
        }
        self.zone = zone
        jitter = 0
        if let j = config["jitter"]?.stringValue {
            guard let d = Duration.parse(j) else { throw FerryError.invalid("config.jitter", "expected a duration like 30s") }
            jitter = d.inSeconds
        }
        let mode = config["catchUp"]?.stringValue ?? CatchUp.once.rawValue
        guard let catchUp = CatchUp(rawValue: mode) else { throw FerryError.invalid("config.catchUp", "must be once or skip") }
        self.catchUp = catchUp
    }

    /// What identifies the schedule itself: a cursor kept for another schedule is not caught up.
    var identity: String { "\(cron.description)|\(zone.identifier)" }

    /// Slots in `(after, until]`, oldest first, at most `limit` of them (then `truncated`).
    func slots(after: Date, until: Date, limit: Int = 10_000) -> (slots: [Date], truncated: Bool) {
        var out: [Date] = []
        var cursor = after
        while let next = cron.next(after: cursor, in: zone), next <= until {
            if out.count == limit { return (out, true) }
            out.append(next)
            cursor = next
        }
        return (out, false)
    }
}

import Foundation

/// Walks the wall-clock times a five-field schedule names, in order, and maps each to the
/// instants it denotes in a time zone: none (a spring-forward gap), one, or two (a fall-back
/// repeat). The DST rules are those documented on `CronExpression`.
struct CronWallClock {
    let fields: CronExpression.Fields
    let zone: TimeZone

    private struct Wall {
        var year, month, day, hour, minute: Int
    }

    func next(after date: Date) -> Date? {
        // Start three hours of wall time early: the second pass through a repeated hour has
        // wall times earlier than `date`'s own.
        let startInstant = date.addingTimeInterval(-3 * 3600)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: startInstant)
        let start = Wall(year: c.year!, month: c.month!, day: c.day!, hour: c.hour!, minute: c.minute!)
        var best: Date?
        let after = date.timeIntervalSince1970
        walk(from: start) { wall in
            let naive = Self.naiveSeconds(wall)
            let before = zone.secondsFromGMT(for: Date(timeIntervalSince1970: naive - 86400))
            let later = zone.secondsFromGMT(for: Date(timeIntervalSince1970: naive + 86400))
            if let best, naive - Double(max(before, later)) > best.timeIntervalSince1970 { return false }
            for instant in instants(naive: naive, offsets: [before, later]) where instant.timeIntervalSince1970 > after {
                if best == nil || instant < best! { best = instant }
            }
            return true
        }
        return best
    }

    /// The instants a wall time denotes, after the DST rules.
    private func instants(naive: Double, offsets: [Int]) -> [Date] {
        var valid: [Date] = []
        for offset in Set(offsets).sorted(by: >) {
            let instant = Date(timeIntervalSince1970: naive - Double(offset))
            if zone.secondsFromGMT(for: instant) == offset { valid.append(instant) }
        }
        valid.sort()
        if valid.isEmpty {
            // Skipped by a spring-forward: a fixed-time schedule runs when the clock jumps.
            guard fields.fixedTime, let from = offsets.max(),
                let jump = zone.nextDaylightSavingTimeTransition(after: Date(timeIntervalSince1970: naive - Double(from)))
            else { return [] }
            return [jump]
        }
        return fields.fixedTime ? [valid[0]] : valid
    }

    /// Calls `body` with each matching wall time from `start` on, for up to eight years, until it returns false.
    private func walk(from start: Wall, _ body: (Wall) -> Bool) {
        for year in start.year...(start.year + 8) {
            let firstYear = year == start.year
            for month in stride(from: firstYear ? start.month : 1, through: 12, by: 1) where has(fields.months, month) {
                let firstMonth = firstYear && month == start.month
                for day in stride(from: firstMonth ? start.day : 1, through: Self.daysIn(year, month), by: 1)
                where dayMatches(year, month, day) {
                    let firstDay = firstMonth && day == start.day
                    for hour in stride(from: firstDay ? start.hour : 0, through: 23, by: 1) where has(fields.hours, hour) {
                        let firstHour = firstDay && hour == start.hour
                        for minute in stride(from: firstHour ? start.minute : 0, through: 59, by: 1) where has(fields.minutes, minute) {
                            if !body(Wall(year: year, month: month, day: day, hour: hour, minute: minute)) { return }
                        }
                    }
                }
            }
        }
    }

    private func has(_ bits: UInt64, _ value: Int) -> Bool { bits & (1 << UInt64(value)) != 0 }

    private func dayMatches(_ year: Int, _ month: Int, _ day: Int) -> Bool {
        let dom = has(fields.daysOfMonth, day)
        let dow = has(fields.daysOfWeek, Self.weekday(year, month, day))
        if fields.dayOfMonthStar || fields.dayOfWeekStar { return dom && dow }
        return dom || dow
    }

    /// Seconds since the epoch of a wall time read as if it were UTC.
    private static func naiveSeconds(_ w: Wall) -> Double {
        Double(daysFromCivil(w.year, w.month, w.day)) * 86400 + Double(w.hour * 3600 + w.minute * 60)
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func daysFromCivil(_ y0: Int, _ m: Int, _ d: Int) -> Int {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    /// 0 = Sunday.
    static func weekday(_ y: Int, _ m: Int, _ d: Int) -> Int {
        let days = daysFromCivil(y, m, d)
        return ((days % 7) + 11) % 7
    }

    static func daysIn(_ year: Int, _ month: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}

import Foundation

/// The threshold of one rule for one set of captures, as fail2ban counts: matches within the
/// last `findTime`; reaching `maxRetry` fires, clears the count and starts the cooldown, during
/// which matches are noted but fire nothing. Pure and Codable: kept in the binding's records.
struct MatchWindow: Codable, Sendable, Equatable {
    var matches: [Date] = []
    var cooldownUntil: Date?

    enum Verdict: Equatable {
        /// Counted; `count` of `maxRetry` within the window.
        case counted(Int)
        case fire(count: Int)
        /// Would have fired, but the rule rests until this time.
        case coolingDown(until: Date)
    }

    mutating func add(_ at: Date, now: Date, rule: LogRule) -> Verdict {
        matches = matches.filter { $0 > now.addingTimeInterval(-rule.findTime) }
        guard at > now.addingTimeInterval(-rule.findTime) else { return .counted(matches.count) }
        matches.append(at)
        guard matches.count >= rule.maxRetry else { return .counted(matches.count) }
        if let until = cooldownUntil, now < until { return .coolingDown(until: until) }
        let count = matches.count
        matches.removeAll()
        cooldownUntil = now.addingTimeInterval(rule.cooldown)
        return .fire(count: count)
    }
}

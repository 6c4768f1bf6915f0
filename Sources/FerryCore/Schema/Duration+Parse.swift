extension Duration {
    /// Parses a lifetime people give a token or a sign-in (`90d`, `12h`), in whole seconds; refuses
    /// anything not a positive duration with an error naming `field`.
    public static func lifetime(_ text: String, field: String) throws(FerryError) -> Double {
        guard let d = parse(text), d > .zero else { throw FerryError.invalid(field, "expected a duration such as 90d or 12h, got \"\(text)\"") }
        return Double(d.components.seconds)
    }

    /// Parses the durations people write in workload files: `500ms`, `30s`, `5m`, `12h`, `1d`,
    /// or a combination like `1h30m`. Returns nil for anything else.
    public static func parse(_ text: String) -> Duration? {
        var total: Duration = .zero
        var number = ""
        var unit = ""
        var sawAny = false
        func flush() -> Bool {
            guard let n = Int64(number) else { return false }
            let factor: Int64
            switch unit {
            case "ms":
                total += .milliseconds(n)
                number = ""; unit = ""; sawAny = true
                return true
            case "s": factor = 1
            case "m": factor = 60
            case "h": factor = 3600
            case "d": factor = 86400
            default: return false
            }
            // Input comes from people: a number too large for its unit is refused, not a crash.
            let (seconds, overflow) = n.multipliedReportingOverflow(by: factor)
            guard !overflow, seconds < Int64.max / 1_000_000_000 else { return false }
            total += .seconds(seconds)
            number = ""; unit = ""; sawAny = true
            return true
        }
        for ch in text.trimmingCharacters(in: .whitespaces) {
            if ch.isNumber {
                if !unit.isEmpty { guard flush() else { return nil } }
                number.append(ch)
            } else if ch.isLetter {
                guard !number.isEmpty else { return nil }
                unit.append(ch)
            } else {
                return nil
            }
        }
        guard !number.isEmpty, flush(), sawAny else { return nil }
        return total
    }
}

import Foundation

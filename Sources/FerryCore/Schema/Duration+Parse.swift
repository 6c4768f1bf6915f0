extension Duration {
    /// Parses the durations people write in workload files: `500ms`, `30s`, `5m`, `12h`, `1d`,
    /// or a combination like `1h30m`. Returns nil for anything else.
    public static func parse(_ text: String) -> Duration? {
        var total: Duration = .zero
        var number = ""
        var unit = ""
        var sawAny = false
        func flush() -> Bool {
            guard let n = Int64(number) else { return false }
            switch unit {
            case "ms": total += .milliseconds(n)
            case "s": total += .seconds(n)
            case "m": total += .seconds(n * 60)
            case "h": total += .seconds(n * 3600)
            case "d": total += .seconds(n * 86400)
            default: return false
            }
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

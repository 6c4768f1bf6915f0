import Foundation

/// Finds when a log line says it was written: an ISO-8601 date-time (`2026-11-23T04:00:00Z`,
/// `2026-11-23 04:00:00.123+01:00`; no zone means UTC) or a pino/Verdaccio JSON `"time"` in
/// epoch milliseconds. Lines without one are taken as written when read.
enum LineTimestamp {
    private static let iso = try! NSRegularExpression(
        pattern: "(\\d{4})-(\\d{2})-(\\d{2})[T ](\\d{2}):(\\d{2}):(\\d{2})(?:[.,]\\d+)?(Z|[+-]\\d{2}:?\\d{2})?")
    private static let epoch = try! NSRegularExpression(pattern: "\"time\"\\s*:\\s*(\\d{13})")

    static func find(in line: String) -> Date? {
        let range = NSRange(line.startIndex..., in: line)
        if let m = epoch.firstMatch(in: line, range: range), let r = Range(m.range(at: 1), in: line), let ms = Double(line[r]) {
            return Date(timeIntervalSince1970: ms / 1000)
        }
        guard let m = iso.firstMatch(in: line, range: range) else { return nil }
        func int(_ i: Int) -> Int { Range(m.range(at: i), in: line).flatMap { Int(line[$0]) } ?? 0 }
        var components = DateComponents(year: int(1), month: int(2), day: int(3), hour: int(4), minute: int(5), second: int(6))
        var offset = 0
        if let r = Range(m.range(at: 7), in: line), line[r] != "Z" {
            let digits = line[r].filter(\.isNumber)
            let hours = Int(digits.prefix(2)) ?? 0, minutes = Int(digits.suffix(2)) ?? 0
            offset = (hours * 3600 + minutes * 60) * (line[r].hasPrefix("-") ? -1 : 1)
        }
        components.timeZone = TimeZone(secondsFromGMT: offset)
        return Calendar(identifier: .gregorian).date(from: components)
    }
}

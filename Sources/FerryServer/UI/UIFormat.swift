import FerryCore
import Foundation

/// How the UI writes times, sizes and revisions: fixed, language-neutral forms.
enum UIFormat {
    private static let iso = Date.ISO8601FormatStyle(timeZone: .gmt)

    /// `2026-11-23 01:15:30 UTC`.
    static func time(_ date: Date?) -> String {
        guard let date else { return "" }
        return iso.format(date).replacingOccurrences(of: "T", with: " ").replacingOccurrences(of: "Z", with: " UTC")
    }

    /// The time an id was made (`d-20261123-011530-…`), read from the id itself, so the
    /// dashboard needs no query per workload for "last deploy".
    static func time(ofID id: String?) -> String {
        guard let id else { return "" }
        let parts = id.split(separator: "-")
        guard parts.count >= 3, parts[1].count == 8, parts[2].count == 6 else { return "" }
        let d = parts[1], t = parts[2]
        func cut(_ s: Substring, _ from: Int, _ len: Int) -> Substring { s.dropFirst(from).prefix(len) }
        return "\(cut(d, 0, 4))-\(cut(d, 4, 2))-\(cut(d, 6, 2)) \(cut(t, 0, 2)):\(cut(t, 2, 2)):\(cut(t, 4, 2)) UTC"
    }

    static func bytes(_ n: Int64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(n)
        var unit = 0
        while value >= 1024, unit < units.count - 1 { value /= 1024; unit += 1 }
        return unit == 0 ? "\(n) B" : String(format: "%.1f %@", value, units[unit])
    }

    /// A revision label with a long commit shortened: `main@sha1:0123456789ab`.
    static func revision(_ label: String?) -> String {
        guard let label else { return "" }
        guard let range = label.range(of: "sha1:") else { return label.count > 40 ? String(label.prefix(12)) : label }
        return String(label[..<range.upperBound]) + label[range.upperBound...].prefix(12)
    }

    static func percent(_ progress: Double?) -> String {
        progress.map { String(Int(($0 * 100).rounded())) } ?? ""
    }

    static func json(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return String(decoding: (try? encoder.encode(value)) ?? Data(), as: UTF8.self)
    }
}

import Foundation

/// A package's installs per day as a small bar chart in inline SVG, rendered on the server: no
/// script, so it draws under the surface's sandbox CSP, and each bar's `<title>` gives its day
/// and count to a pointer or a screen reader.
struct InstallChart {
    /// Oldest day first, today last.
    let counts: [Int]
    let today: Date

    static let width = 600, height = 120, top = 14, bottom = 18

    var svg: String {
        let peak = max(counts.max() ?? 0, 1)
        let slot = Double(Self.width) / Double(max(counts.count, 1))
        let plot = Double(Self.height - Self.top - Self.bottom)
        let total = counts.reduce(0, +)
        var out = "<svg class=\"installs\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(Self.width) \(Self.height)\" width=\"\(Self.width)\" height=\"\(Self.height)\" role=\"img\" aria-label=\"Installs per day over the last \(counts.count) days: \(total) in all\">"
        out += "<text x=\"0\" y=\"10\" font-size=\"10\" fill=\"#555\">\(peak) / day</text>"
        for (i, count) in counts.enumerated() {
            let h = count == 0 ? 0 : max(1, plot * Double(count) / Double(peak))
            let x = Double(i) * slot + 1
            let y = Double(Self.top) + plot - h
            let day = Self.day(today.addingTimeInterval(Double(i - counts.count + 1) * 86_400))
            out += "<rect x=\"\(Self.number(x))\" y=\"\(Self.number(y))\" width=\"\(Self.number(max(1, slot - 2)))\" height=\"\(Self.number(h))\" fill=\"#2f6fb3\" data-day=\"\(day)\" data-count=\"\(count)\"><title>\(day): \(count)</title></rect>"
        }
        let baseline = Self.height - Self.bottom
        out += "<line x1=\"0\" y1=\"\(baseline)\" x2=\"\(Self.width)\" y2=\"\(baseline)\" stroke=\"#999\"/>"
        if let first = counts.indices.first {
            out += "<text x=\"0\" y=\"\(Self.height - 4)\" font-size=\"10\" fill=\"#555\">\(Self.day(today.addingTimeInterval(Double(first - counts.count + 1) * 86_400)))</text>"
            out += "<text x=\"\(Self.width)\" y=\"\(Self.height - 4)\" font-size=\"10\" fill=\"#555\" text-anchor=\"end\">\(Self.day(today))</text>"
        }
        return out + "</svg>"
    }

    private static func number(_ value: Double) -> String { String(format: "%.1f", value) }

    private static func day(_ date: Date) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyy-MM-dd"
        return f.string(from: date)
    }
}

import Foundation

/// A small bar chart as inline SVG, rendered on the server: no script, so it draws under the
/// strictest CSP (composer-repo's sandboxed surface, the UI), and each bar's `<title>` gives
/// its label and value to a pointer or a screen reader. Used for installs per day, job
/// durations and deploys per day.
public struct BarChart: Sendable {
    public struct Bar: Sendable {
        public var title: String
        public var value: Double
        /// A CSS colour; the chart's default when nil.
        public var color: String?
        /// `data-*` attributes, for tests and scripts that read the chart.
        public var data: [(String, String)]

        public init(title: String, value: Double, color: String? = nil, data: [(String, String)] = []) {
            self.title = title
            self.value = value
            self.color = color
            self.data = data
        }
    }

    public var bars: [Bar]
    /// The whole chart in one sentence (`aria-label`).
    public var label: String
    /// A class on the `<svg>` element.
    public var cssClass: String
    /// Shown above the bars, after the peak value (`"/ day"`, `"s"`).
    public var unit: String
    /// Under the first and the last bar.
    public var startLabel: String
    public var endLabel: String

    public init(bars: [Bar], label: String, cssClass: String, unit: String, startLabel: String = "", endLabel: String = "") {
        self.bars = bars
        self.label = label
        self.cssClass = cssClass
        self.unit = unit
        self.startLabel = startLabel
        self.endLabel = endLabel
    }

    public static let width = 600, height = 120, top = 14, bottom = 18

    public var svg: String {
        let peak = max(bars.map(\.value).max() ?? 0, 1)
        let slot = Double(Self.width) / Double(max(bars.count, 1))
        let plot = Double(Self.height - Self.top - Self.bottom)
        var out = "<svg class=\"\(Self.escape(cssClass))\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(Self.width) \(Self.height)\" width=\"\(Self.width)\" height=\"\(Self.height)\" role=\"img\" aria-label=\"\(Self.escape(label))\">"
        out += "<text x=\"0\" y=\"10\" font-size=\"10\" fill=\"#555\">\(Self.escape(Self.number(peak, digits: peak.rounded() == peak ? 0 : 1) + " " + unit))</text>"
        for (i, bar) in bars.enumerated() {
            let h = bar.value <= 0 ? 0 : max(1, plot * bar.value / peak)
            let x = Double(i) * slot + 1
            let y = Double(Self.top) + plot - h
            let data = bar.data.map { " data-\($0.0)=\"\(Self.escape($0.1))\"" }.joined()
            out += "<rect x=\"\(Self.number(x))\" y=\"\(Self.number(y))\" width=\"\(Self.number(max(1, slot - 2)))\" height=\"\(Self.number(h))\" fill=\"\(Self.escape(bar.color ?? "#2f6fb3"))\"\(data)><title>\(Self.escape(bar.title))</title></rect>"
        }
        let baseline = Self.height - Self.bottom
        out += "<line x1=\"0\" y1=\"\(baseline)\" x2=\"\(Self.width)\" y2=\"\(baseline)\" stroke=\"#999\"/>"
        if !startLabel.isEmpty { out += "<text x=\"0\" y=\"\(Self.height - 4)\" font-size=\"10\" fill=\"#555\">\(Self.escape(startLabel))</text>" }
        if !endLabel.isEmpty {
            out += "<text x=\"\(Self.width)\" y=\"\(Self.height - 4)\" font-size=\"10\" fill=\"#555\" text-anchor=\"end\">\(Self.escape(endLabel))</text>"
        }
        return out + "</svg>"
    }

    /// `yyyy-MM-dd` in UTC, the charts' day labels.
    public static func day(_ date: Date) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyy-MM-dd"
        return f.string(from: date)
    }

    private static func number(_ value: Double, digits: Int = 1) -> String { String(format: "%.\(digits)f", value) }

    private static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}

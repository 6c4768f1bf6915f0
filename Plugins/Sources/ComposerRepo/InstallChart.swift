import FerryCore
import Foundation

/// A package's installs per day over the last days, for the package browser.
struct InstallChart {
    /// Oldest day first, today last.
    let counts: [Int]
    let today: Date

    var svg: String {
        let days = counts.indices.map { today.addingTimeInterval(Double($0 - counts.count + 1) * 86_400) }
        let bars = zip(days, counts).map { date, count in
            BarChart.Bar(title: "\(BarChart.day(date)): \(count)", value: Double(count), data: [("day", BarChart.day(date)), ("count", "\(count)")])
        }
        return BarChart(
            bars: bars, label: "Installs per day over the last \(counts.count) days: \(counts.reduce(0, +)) in all", cssClass: "installs",
            unit: "/ day", startLabel: days.first.map(BarChart.day) ?? "", endLabel: BarChart.day(today)
        ).svg
    }
}

import FerryCore
import Foundation

/// The workload page's two pictures: how long its recent jobs took and how they ended, and how
/// often it was deployed per day. Server-rendered SVG (`BarChart`), so they draw without script.
struct WorkloadCharts {
    static let jobCount = 40
    static let days = 30

    static let colors: [Job.State: String] = [.succeeded: "#2f8a3e", .failed: "#c0392b", .cancelled: "#8a8a8a"]

    /// Finished jobs, oldest first; each bar's height is its run time, its colour its outcome.
    static func jobDurations(_ jobs: [Job], label: String) -> String? {
        let finished = jobs.filter { $0.state.isFinished && $0.finishedAt != nil }.prefix(jobCount).reversed()
        guard !finished.isEmpty else { return nil }
        let bars = finished.map { job in
            let seconds = max(0, job.finishedAt!.timeIntervalSince(job.startedAt ?? job.createdAt))
            let shown = seconds < 10 ? String(format: "%.1f s", seconds) : "\(Int(seconds.rounded())) s"
            return BarChart.Bar(
                title: "\(UIFormat.time(job.createdAt)) \(job.action) \(job.state.rawValue) in \(shown)", value: seconds,
                color: colors[job.state], data: [("job", job.id), ("state", job.state.rawValue), ("seconds", String(format: "%.3f", seconds))])
        }
        let failed = finished.filter { $0.state == .failed }.count
        return BarChart(
            bars: Array(bars), label: "\(label): \(finished.count) jobs, \(failed) failed", cssClass: "chart jobs-chart", unit: "s",
            startLabel: UIFormat.time(finished.first!.createdAt), endLabel: UIFormat.time(finished.last!.createdAt)
        ).svg
    }

    /// Deploys (of any kind) per UTC day over the last `days` days, today last.
    static func deploysPerDay(_ deploys: [Deploy], now: Date, label: String) -> String {
        var counts = [String: Int]()
        for deploy in deploys { counts[BarChart.day(deploy.createdAt), default: 0] += 1 }
        let dates = (0..<days).map { now.addingTimeInterval(Double($0 - days + 1) * 86_400) }
        let bars = dates.map { date in
            let day = BarChart.day(date)
            return BarChart.Bar(title: "\(day): \(counts[day] ?? 0)", value: Double(counts[day] ?? 0), data: [("day", day), ("count", "\(counts[day] ?? 0)")])
        }
        let total = dates.reduce(0) { $0 + (counts[BarChart.day($1)] ?? 0) }
        return BarChart(
            bars: bars, label: "\(label): \(total) in \(days) days", cssClass: "chart deploys-chart", unit: "/ day",
            startLabel: BarChart.day(dates.first!), endLabel: BarChart.day(now)
        ).svg
    }
}

import FerryCore
import Foundation

/// The mirror's size after each diff-build and what that diff added, one small record per diff
/// in `diff-sizes` (a snapshot record holds every file, far too much to read for a chart), and
/// the workload page's chart of them: how fast the storage grows, and which transfer was large.
struct MirrorGrowth: Codable, Sendable, Equatable {
    static let collection = "diff-sizes"
    /// Diffs the chart shows: a season of daily transfers.
    static let shown = 60

    var snapshot: String
    var archive: String
    var at: Date
    var storageBytes: Int64
    var storageFiles: Int
    var diffBytes: Int64
    var diffFiles: Int

    static func record(_ growth: MirrorGrowth, records: any RecordStore) throws {
        try records.put(collection, try RecordWrite(key: growth.snapshot, value: growth, stamp: Int64(growth.at.timeIntervalSince1970 * 1000)))
    }

    /// The last `shown` diffs, oldest first.
    static func recent(_ records: any RecordStore) throws -> [MirrorGrowth] {
        try records.list(RecordQuery(collection: collection, order: .stampDescending, limit: shown))
            .compactMap { try? $0.decode(MirrorGrowth.self) }.reversed()
    }

    /// A bar per diff, as tall as the storage after it; nil before the first diff.
    static func chart(_ diffs: [MirrorGrowth]) -> SourceChart? {
        guard let first = diffs.first, let last = diffs.last else { return nil }
        let bars = diffs.map { d in
            BarChart.Bar(
                title: "\(d.archive): \(ByteCount.text(Int(d.storageBytes))) in \(d.storageFiles) files, +\(ByteCount.text(Int(d.diffBytes))) in \(d.diffFiles)",
                value: Double(d.storageBytes), data: [("archive", d.archive), ("storage-bytes", "\(d.storageBytes)"), ("diff-bytes", "\(d.diffBytes)")])
        }
        let growth = last.storageBytes - (diffs.count > 1 ? first.storageBytes : 0)
        let svg = BarChart(
            bars: bars, label: "Mirror size after each of the last \(diffs.count) diffs: \(ByteCount.text(Int(last.storageBytes))), grown by \(ByteCount.text(Int(max(growth, 0))))",
            cssClass: "mirror-growth", unit: "", startLabel: BarChart.day(first.at), endLabel: BarChart.day(last.at)
        ).svg
        return SourceChart(title: "Mirror size after each diff (last \(diffs.count))", svg: svg)
    }
}

import FerryCore
import Foundation
import Synchronization

/// The browser's rows (one per published package), read from the records once per live build
/// and install aggregation rather than on every page view.
final class BrowseCache: Sendable {
    struct Row: Sendable {
        var name: String
        var type: String
        var description: String
        var latest: String
        var installs: Int
        var installs30d: Int
        var updated: Date?
        /// When the package's p2 file last changed in a build (its mtime, kept across builds
        /// while its bytes stay the same): what the change feed reports.
        var modified: Int?
    }

    private struct Entry {
        var key: String
        var rows: [Row]
    }
    private let entries = Mutex<[String: Entry]>([:])

    init() {}

    func rows(live: LiveBuild, context: any SurfaceContext) -> [Row] {
        let aggregated = (try? context.records.get(PackageSync.cursors, key: "installs:aggregated"))?.stamp ?? 0
        let key = "\(live.id)|\(aggregated)"
        let workload = context.workload.name
        if let hit = entries.withLock({ $0[workload] }), hit.key == key { return hit.rows }
        let summaries = (try? context.records.all(PackageSummary.collection)) ?? []
        let rows: [Row] = summaries.compactMap { record in
            guard let s = try? record.decode(PackageSummary.self), let p2 = live.file("p2/\(s.name).json") else { return nil }
            return Row(
                name: s.name, type: s.type, description: s.description ?? "", latest: s.latest ?? "dev", installs: s.installsTotal,
                installs30d: s.installs30d, updated: s.lastUpdated, modified: p2.modified.map(Int.init) ?? HTTPDate.modified(live.location(of: p2)))
        }
        entries.withLock { $0[workload] = Entry(key: key, rows: rows) }
        return rows
    }
}

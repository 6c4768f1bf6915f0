import FerryCore
import Foundation

extension NpmMirrorSource {
    /// Old storage snapshots (the newest, the next diff's baseline, always stays) and tarballs a
    /// broken-scan set aside, past `retention.snapshots` and `retention.quarantine`.
    public func prune(context: any RetentionContext) throws -> PruneCounts {
        var counts: PruneCounts = [:]
        let snapshots = try context.records.list(RecordQuery(collection: DiffBuilder.snapshots, order: .stampDescending))
        // Snapshot stamps are milliseconds since 1970.
        let dates = snapshots.map { Date(timeIntervalSince1970: TimeInterval($0.stamp) / 1000) }
        let doomed = context.policy.snapshots.expired(dates, now: context.now).filter { $0 > 0 }.map { snapshots[$0].key }
        try context.records.delete(DiffBuilder.snapshots, keys: doomed)
        counts["snapshots"] = doomed.count
        counts["quarantine"] = try pruneQuarantine(
            context.stateDirectory.appendingPathComponent("quarantine", isDirectory: true), context.policy.quarantine, now: context.now)
        return counts.filter { $0.value > 0 }
    }

    private func pruneQuarantine(_ folder: URL, _ rule: RetentionRule, now: Date) throws -> Int {
        let fm = FileManager.default
        guard let walker = fm.enumerator(at: folder, includingPropertiesForKeys: [.contentModificationDateKey, .isRegularFileKey]) else { return 0 }
        var files: [(URL, Date)] = []
        for case let url as URL in walker {
            let values = try url.resourceValues(forKeys: [.contentModificationDateKey, .isRegularFileKey])
            if values.isRegularFile == true { files.append((url, values.contentModificationDate ?? .distantPast)) }
        }
        files.sort { $0.1 > $1.1 }
        let doomed = rule.expired(files.map(\.1), now: now)
        for i in doomed { try? fm.removeItem(at: files[i].0) }
        for case let url as URL in fm.enumerator(at: folder, includingPropertiesForKeys: nil)?.allObjects.reversed() ?? []
        where (try? fm.contentsOfDirectory(atPath: url.path))?.isEmpty == true {
            try? fm.removeItem(at: url)
        }
        return doomed.count
    }
}

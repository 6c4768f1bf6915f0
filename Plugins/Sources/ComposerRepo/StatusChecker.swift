import FerryCore
import Foundation

/// `check-status`: asks WordPress.org about every package again, deactivates the ones it now
/// reports closed (or gone), reactivates the ones it answers for again, and records each change.
/// Changes are stamped with a sync run of their own, so the next build picks them up.
struct StatusChecker {
    let config: ComposerConfig
    let context: any SourceContext

    func check() async throws -> JSONValue {
        guard let wp = config.wordpress else { return .object(["checked": .number(0), "changes": .number(0)]) }
        let records = context.records
        var run = try SyncRun.start(kind: "check-status", records: records)
        let upstream = WordPressUpstream(config: wp, http: context.http)
        let all = try PackageSync(config: config, context: context).summaries().filter { $0.upstream == .wordpress }
        var changes: [RecordWrite] = [], writes: [RecordWrite] = []
        var problems = 0
        for (i, old) in all.enumerated() {
            try context.checkCancellation()
            var s = old
            switch await upstream.info(slug: s.origin, theme: s.isTheme) {
            case .info:
                if !s.active {
                    s.active = true
                    s.inactiveReason = nil
                    // Fetch its versions again on the next update.
                    s.syncedMarker = nil
                    changes.append(try StatusChange(name: s.name, active: true, reason: "reopened upstream", at: Date(), by: "check-status").write())
                }
            case .closed(let reason):
                if s.active { changes.append(try StatusChange(name: s.name, active: false, reason: reason, at: Date(), by: "check-status").write()) }
                s.active = false
                s.inactiveReason = reason
            case .notFound:
                if s.active { changes.append(try StatusChange(name: s.name, active: false, reason: "not found on WordPress.org", at: Date(), by: "check-status").write()) }
                s.active = false
                s.inactiveReason = "not found on WordPress.org"
            case .problem(let problem):
                problems += 1
                context.log("\(s.name): \(problem); status unchanged")
            }
            if s.active != old.active {
                context.log("\(s.name): now \(s.active ? "active" : "inactive")\(s.inactiveReason.map { " (\($0))" } ?? "")")
                writes.append(try RecordWrite(key: s.name, value: s, label: s.type, stamp: run.id))
            }
            if i % 50 == 0 { context.progress(Double(i) / Double(max(all.count, 1)), "checked \(i) of \(all.count)") }
        }
        try records.put(PackageSummary.collection, writes)
        try records.put(StatusChange.collection, changes)
        let counts = ["checked": all.count, "changes": changes.count, "problems": problems]
        try run.finish(.finished, counts: counts, records: records)
        return try JSONValue(encoding: counts)
    }
}

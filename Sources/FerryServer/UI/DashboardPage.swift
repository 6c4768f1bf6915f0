import FerryCore
import FerryEngine
import Foundation

/// `/`: every workload at a glance, the ones needing a person first: failing and degraded
/// workloads, then refused webhook deliveries, then the rest by name. Two queries for the
/// whole page (workloads, active jobs) plus one for refused deliveries, whatever the count.
struct DashboardPage {
    let ui: UIContext
    let lang: String

    static func rank(_ health: Health) -> Int {
        switch health {
        case .failing: 0
        case .degraded: 1
        case .progressing: 2
        case .unknown: 3
        case .healthy: 4
        }
    }

    func model() throws -> [String: Any] {
        let catalog = ui.renderer.catalog
        let workloads = try ui.engine.database.workloads().sorted {
            (Self.rank($0.status.health), $0.name) < (Self.rank($1.status.health), $1.name)
        }
        var active: [String: Job] = [:]
        for job in try ui.engine.database.jobs(states: [.running, .queued], limit: 5000) {
            // Prefer the running job of a workload over a queued one.
            if active[job.workload] == nil || job.state == .running { active[job.workload] = job }
        }
        let healthLabels = Dictionary(uniqueKeysWithValues: [Health.healthy, .degraded, .failing, .progressing, .unknown].map {
            ($0, catalog.text("health.\($0.rawValue)", lang))
        })
        let rows: [[String: Any]] = workloads.map { w in
            let job = active[w.name]
            return [
                "name": w.name, "href": "/workloads/\(w.name)", "kind": w.spec.source.kind,
                "health": w.status.health.rawValue, "healthLabel": healthLabels[w.status.health]!,
                "reason": w.status.reason, "suspended": w.spec.suspend,
                "liveRevision": UIFormat.revision(w.status.liveRevision), "lastDeploy": UIFormat.time(ofID: w.status.lastDeployID),
                "hasJob": job != nil,
                "job": job.map { JobPage.summary($0, catalog: catalog, lang: lang) } ?? [:],
            ]
        }
        let refused = try ui.engine.database.events(outcome: .refused, limit: 20).map { EventsPage.row($0, catalog: catalog, lang: lang) }
        let failing = workloads.filter { $0.status.health == .failing || $0.status.health == .degraded }.count
        let disks = try ui.engine.diskUsage(of: workloads).map { disk -> [String: Any] in
            ["path": disk.path, "role": disk.role, "summary": disk.summary, "low": disk.low]
        }
        return [
            "disks": disks, "hasLowDisk": disks.contains { $0["low"] as? Bool == true },
            "title": catalog.text("dashboard.title", lang),
            "workloads": rows, "hasWorkloads": !rows.isEmpty, "count": rows.count, "failingCount": failing,
            "refused": refused, "hasRefused": !refused.isEmpty, "live": true,
        ]
    }
}

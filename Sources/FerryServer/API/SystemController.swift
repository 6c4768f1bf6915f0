import FerryCore
import FerryEngine
import Foundation
import Hummingbird
import NIOCore
import Prometheus

/// Health, events and Prometheus metrics.
struct SystemController {
    let engine: Engine
    let limits: ServerLimits
    let ingress: HookIngress
    let startedAt = Date()

    func register(on router: Router<FerryRequestContext>) {
        router.get("api/health") { _, _ in
            try JSONResponse.make(Health(
                status: "ok", version: FerryVersion.current, journalMode: try engine.database.journalMode(), runningJobs: engine.runner.runningJobIDs.count,
                uptimeSeconds: Int(Date().timeIntervalSince(startedAt)), disks: try engine.diskUsage()))
        }
        router.get("api/events") { request, _ in
            let outcome = request.uri.queryParameters["outcome"].flatMap { Event.Outcome(rawValue: String($0)) }
            let kind = request.uri.queryParameters["kind"].map(String.init)
            let by = request.uri.queryParameters["by"].map(String.init)
            let page = try PageQuery(request, maxLimit: limits.pageSize)
            return try JSONResponse.make(try engine.database.events(outcome: outcome, kind: kind, by: by, limit: page.limit))
        }
        router.get("metrics") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                body: .init(byteBuffer: ByteBuffer(bytes: try metrics())))
        }
    }

    struct Health: Encodable {
        var status: String
        var version: String
        var journalMode: String
        var runningJobs: Int
        var uptimeSeconds: Int
        /// The data directory and every absolute volume; `low` ones refuse jobs that write.
        var disks: [DiskUsage]
    }

    /// Gauges are computed from the store at scrape time: they are always true, even right
    /// after a restart, and cost one query per scrape.
    private func metrics() throws -> [UInt8] {
        let registry = PrometheusCollectorRegistry()
        let workloads = try engine.database.workloads()
        for health in [FerryCore.Health.healthy, .degraded, .failing, .progressing, .unknown] {
            registry.makeGauge(name: "ferry_workloads", labels: [("health", health.rawValue)], help: "workloads by health")
                .set(Double(workloads.filter { $0.status.health == health }.count))
        }
        let counts = try engine.database.jobCounts()
        for state in [Job.State.queued, .running, .succeeded, .failed, .cancelled] {
            registry.makeGauge(name: "ferry_jobs", labels: [("state", state.rawValue)], help: "jobs by state").set(Double(counts[state] ?? 0))
        }
        registry.makeGauge(name: "ferry_jobs_running_in_process", help: "jobs this process is running now").set(Double(engine.runner.runningJobIDs.count))
        for disk in try engine.diskUsage(of: workloads) {
            let labels = [("path", disk.path), ("role", disk.role)]
            registry.makeGauge(name: "ferry_disk_free_bytes", labels: labels, help: "free bytes of a filesystem Ferry writes to").set(Double(disk.freeBytes))
            registry.makeGauge(name: "ferry_disk_total_bytes", labels: labels, help: "size of a filesystem Ferry writes to").set(Double(disk.totalBytes))
            registry.makeGauge(name: "ferry_disk_low", labels: labels, help: "1 while jobs that write there are refused").set(Double(disk.low ? 1 : 0))
        }
        let hooks = ingress.snapshot
        registry.makeGauge(name: "ferry_hook_deliveries_in_flight", help: "webhook deliveries being processed").set(Double(hooks.inFlight))
        registry.makeCounter(name: "ferry_hook_deliveries_busy_total").increment(by: Int64(hooks.busy))
        registry.makeCounter(name: "ferry_hook_deliveries_unknown_binding_total").increment(by: Int64(hooks.unknownBinding))
        let commits = engine.dispatcher.committer.statistics
        registry.makeCounter(name: "ferry_hook_commit_batches_total").increment(by: Int64(commits.batches))
        registry.makeGauge(name: "ferry_hook_commit_batch_largest", help: "most deliveries one group commit has stored").set(Double(commits.largest))
        for (kind, n) in engine.retention.removedTotals {
            registry.makeCounter(name: "ferry_retention_removed_total", labels: [("kind", kind)]).increment(by: Int64(n))
        }
        return registry.emitToBuffer()
    }
}

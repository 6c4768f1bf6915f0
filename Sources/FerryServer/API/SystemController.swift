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
    let answers: SurfaceAnswers
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
            registry.gauge("ferry_workloads", "workloads by health", [("health", health.rawValue)])
                .set(Double(workloads.filter { $0.status.health == health }.count))
        }
        let counts = try engine.database.jobCounts()
        for state in [Job.State.queued, .running, .succeeded, .failed, .cancelled] {
            registry.gauge("ferry_jobs", "jobs by state", [("state", state.rawValue)]).set(Double(counts[state] ?? 0))
        }
        registry.gauge("ferry_jobs_running_in_process", "jobs this process is running now").set(Double(engine.runner.runningJobIDs.count))
        for disk in try engine.diskUsage(of: workloads) {
            let labels = [("path", disk.path), ("role", disk.role)]
            registry.gauge("ferry_disk_free_bytes", "free bytes of a filesystem Ferry writes to", labels).set(Double(disk.freeBytes))
            registry.gauge("ferry_disk_total_bytes", "size of a filesystem Ferry writes to", labels).set(Double(disk.totalBytes))
            registry.gauge("ferry_disk_low", "1 while jobs that write there are refused", labels).set(Double(disk.low ? 1 : 0))
        }
        let hooks = ingress.snapshot
        registry.gauge("ferry_hook_deliveries_in_flight", "webhook deliveries being processed").set(Double(hooks.inFlight))
        registry.counter("ferry_hook_deliveries_busy_total", "deliveries answered 503 because the queue was full").increment(by: Int64(hooks.busy))
        registry.counter("ferry_hook_deliveries_unknown_binding_total", "deliveries to a binding that does not exist").increment(by: Int64(hooks.unknownBinding))
        registry.counter("ferry_surface_answers_kept_total", "surface requests the event loops answered from kept answers")
            .increment(by: Int64(answers.answeredFast))
        let commits = engine.dispatcher.committer.statistics
        registry.counter("ferry_hook_commit_batches_total", "group commits of webhook deliveries").increment(by: Int64(commits.batches))
        registry.gauge("ferry_hook_commit_batch_largest", "most deliveries one group commit has stored").set(Double(commits.largest))
        for (kind, n) in engine.retention.removedTotals {
            registry.counter("ferry_retention_removed_total", "records and folders retention removed", [("kind", kind)]).increment(by: Int64(n))
        }
        let passes = engine.reconciler.statistics
        registry.counter("ferry_reconcile_passes_total", "reconcile passes since start").increment(by: Int64(passes.count))
        registry.gauge("ferry_reconcile_pass_seconds", "how long the last reconcile pass took").set(passes.lastSeconds)
        registry.gauge("ferry_reconcile_pass_seconds_sum", "seconds all reconcile passes since start took together").set(passes.totalSeconds)
        registry.gauge("ferry_reconcile_pass_longest_seconds", "the longest reconcile pass since start").set(passes.longestSeconds)
        registry.gauge("ferry_reconcile_pass_workloads", "workloads the last reconcile pass looked at").set(Double(passes.lastWorkloads))
        registry.counter("ferry_objects_damaged_total", "stored objects found no longer matching their hash").increment(by: Int64(engine.scrubber.damagedTotal))
        return registry.emitToBuffer()
    }
}

extension PrometheusCollectorRegistry {
    /// A gauge by its full name; Ferry's metric names are written out whole, not assembled.
    fileprivate func gauge(_ name: String, _ help: String, _ labels: [(String, String)] = []) -> Gauge {
        makeGauge(descriptor: MetricNameDescriptor(metricName: name, unitName: "", helpText: help), labels: labels)
    }

    fileprivate func counter(_ name: String, _ help: String, _ labels: [(String, String)] = []) -> Counter {
        makeCounter(descriptor: MetricNameDescriptor(metricName: name, unitName: "", helpText: help), labels: labels)
    }
}

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
                uptimeSeconds: Int(Date().timeIntervalSince(startedAt))))
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
    }

    /// Gauges are computed from the store at scrape time: they are always true, even right
    /// after a restart, and cost one query per scrape.
    private func metrics() throws -> [UInt8] {
        let registry = PrometheusCollectorRegistry()
        let workloads = try engine.database.workloads()
        for health in [FerryCore.Health.healthy, .degraded, .failing, .progressing, .unknown] {
            registry.makeGauge(name: "ferry_workloads", labels: [("health", health.rawValue)])
                .set(Double(workloads.filter { $0.status.health == health }.count))
        }
        let counts = try engine.database.jobCounts()
        for state in [Job.State.queued, .running, .succeeded, .failed, .cancelled] {
            registry.makeGauge(name: "ferry_jobs", labels: [("state", state.rawValue)]).set(Double(counts[state] ?? 0))
        }
        registry.makeGauge(name: "ferry_jobs_running_in_process").set(Double(engine.runner.runningJobIDs.count))
        let hooks = ingress.snapshot
        registry.makeGauge(name: "ferry_hook_deliveries_in_flight").set(Double(hooks.inFlight))
        registry.makeCounter(name: "ferry_hook_deliveries_busy_total").increment(by: Int64(hooks.busy))
        registry.makeCounter(name: "ferry_hook_deliveries_unknown_binding_total").increment(by: Int64(hooks.unknownBinding))
        for (kind, n) in engine.retention.removedTotals {
            registry.makeCounter(name: "ferry_retention_removed_total", labels: [("kind", kind)]).increment(by: Int64(n))
        }
        return registry.emitToBuffer()
    }
}

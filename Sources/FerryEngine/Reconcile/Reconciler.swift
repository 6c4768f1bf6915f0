import FerryCore
import FerryStore
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Keeps what is live equal to what is wanted, level-triggered: each pass looks at every
/// workload afresh (spec generation vs observed, `current` present and verified, source health)
/// and enqueues through the dispatcher only what closes a gap. A pass with nothing changed
/// enqueues nothing and writes nothing.
public final class Reconciler: Service {
    let database: FerryDatabase
    let registry: PluginRegistry
    let dispatcher: Dispatcher
    let activator: BuildActivator
    let liveBuilds: LiveBuildCache
    let paths: FerryPaths
    let interval: Duration
    let recoveryAttempts: Int
    let now: @Sendable () -> Date
    let logger: Logger
    private let wakeStream: AsyncStream<Void>
    private let wakeContinuation: AsyncStream<Void>.Continuation
    private let passes = Mutex(PassStatistics())

    /// What the passes cost, for `/metrics`: a pass reads memory (one readlink per workload),
    /// so its time should stay small as workloads are added; a growing figure is the sign.
    public struct PassStatistics: Sendable {
        public var count = 0
        public var lastSeconds = 0.0
        public var lastWorkloads = 0
        public var longestSeconds = 0.0
        public var totalSeconds = 0.0
    }

    public var statistics: PassStatistics { passes.withLock { $0 } }

    init(
        database: FerryDatabase, registry: PluginRegistry, dispatcher: Dispatcher, activator: BuildActivator,
        liveBuilds: LiveBuildCache, paths: FerryPaths, interval: Duration, recoveryAttempts: Int = 3, now: @escaping @Sendable () -> Date, logger: Logger
    ) {
        self.database = database
        self.registry = registry
        self.dispatcher = dispatcher
        self.activator = activator
        self.liveBuilds = liveBuilds
        self.paths = paths
        self.interval = interval
        self.recoveryAttempts = recoveryAttempts
        self.now = now
        self.logger = logger
        (wakeStream, wakeContinuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        wakeContinuation.yield()
    }

    /// Asks for a pass soon (a spec changed), instead of at the next interval.
    public func wake() { wakeContinuation.yield() }

    /// A pass at start, on every wake-up, and every `interval`; ends on graceful shutdown.
    public func run() async throws {
        await withDiscardingTaskGroup { group in
            group.addTask { [interval, wakeContinuation] in
                while !Task.isCancelled {
                    try? await Task.sleep(for: interval)
                    wakeContinuation.yield()
                }
            }
            for await _ in wakeStream.cancelOnGracefulShutdown() {
                do { _ = try pass() } catch { logger.error("reconcile pass failed: \(error)") }
            }
            group.cancelAll()
        }
    }

    /// Start-up recovery: jobs a dead process left `running` are marked `failed (interrupted)`,
    /// and those whose action is idempotent are queued again. A job cut short by a crash counts
    /// an attempt; after `recoveryAttempts` of them it stays failed, since it may be what kills
    /// the process. One stopped by a graceful shutdown is re-run without counting. Half-written
    /// builds (folders with no build record, or recorded as pruned) and every job's scratch
    /// folder are removed: nothing runs yet (the server holds the job runner until recovery is
    /// done), and neither was ever live. A job that recorded its deploy before the process died
    /// did its work: it is closed as succeeded, not re-run.
    @discardableResult
    public func recover() throws -> [Job] {
        var requeued: [Job] = []
        for job in try database.interruptRunningJobs(now: now()) {
            logger.warning("job \(job.id) (\(job.action) on \(job.workload)) was interrupted")
            if let deploy = try database.deploy(jobID: job.id) {
                let message = "deployed \(deploy.revision?.label ?? deploy.buildID) as build \(deploy.buildID); the server stopped before the job was closed"
                try database.updateJob(job.id) { $0.state = .succeeded; $0.message = message; $0.buildID = deploy.buildID; $0.progress = 1 }
                continue
            }
            guard let workload = try database.workload(job.workload),
                let plugin = registry.sources[workload.spec.source.kind],
                plugin.action(named: job.action)?.idempotent == true
            else { continue }
            let crashed = job.progressNote != Self.shutdownNote
            if crashed, job.attempt >= recoveryAttempts {
                let message = "crashed the server \(job.attempt) times; not run again (jobs.recoveryAttempts is \(recoveryAttempts))"
                logger.error("job \(job.id): \(message)")
                try database.updateJob(job.id) { $0.message = message }
                continue
            }
            let result = try dispatcher.dispatch(DispatchRequest(
                kind: "recovery", summary: "re-run \(job.action) on \(job.workload) after interrupted job \(job.id)",
                targets: [.init(
                    workload: job.workload, action: job.action, params: job.params, revision: job.revision,
                    attempt: crashed ? job.attempt + 1 : job.attempt)],
                causes: job.eventID.map { [$0] } ?? []))
            requeued += result.jobs
        }
        for workload in try database.workloads() { try removeOrphanBuilds(of: workload.name) }
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: paths.scratch.path)) ?? [] {
            let folder = paths.scratch.appendingPathComponent(entry)
            // The dead server's children may still be writing here; stop them first.
            let killed = ChildLedger(file: folder.appendingPathComponent(ChildLedger.fileName)).killSurvivors()
            if killed > 0 { logger.warning("job \(entry): stopped \(killed) process(es) it left running") }
            try? FileManager.default.removeItem(at: folder)
        }
        return requeued
    }

    /// The progress note a job stopped by a graceful shutdown is left with, so recovery can tell
    /// it from one a crash cut short.
    static let shutdownNote = "interrupted by shutdown"

    private func removeOrphanBuilds(of name: String) throws {
        let known = Set(try database.builds(workload: name).filter { $0.prunedAt == nil }.map(\.id))
        let live = activator.liveBuildID(workload: name)
        let dir = paths.builds(name)
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? [] where !known.contains(entry) && entry != live {
            logger.info("\(name): removing unfinished or pruned build \(entry)")
            try? FileManager.default.removeItem(at: dir.appendingPathComponent(entry))
        }
    }

    /// One pass over every workload; returns the jobs it enqueued.
    @discardableResult
    public func pass() throws -> [Job] {
        let clock = ContinuousClock()
        let started = clock.now
        let active = try database.workloadsWithActiveJobs()
        let workloads = try database.workloads()
        var enqueued: [Job] = []
        for workload in workloads {
            do {
                enqueued += try reconcile(workload, hasActiveJob: active.contains(workload.name))
            } catch {
                logger.error("reconcile \(workload.name): \(error)")
            }
        }
        let seconds = (clock.now - started).inSeconds
        passes.withLock { p in
            p.count += 1
            p.lastSeconds = seconds
            p.lastWorkloads = workloads.count
            p.longestSeconds = max(p.longestSeconds, seconds)
            p.totalSeconds += seconds
        }
        return enqueued
    }

    private func reconcile(_ workload: Workload, hasActiveJob: Bool) throws -> [Job] {
        let name = workload.name
        // From memory: the live build is loaded once per switch, and what is wrong with a build
        // is found by the scrub and by serving, not by opening files on every pass.
        // One readlink: `current` may have been changed or removed by hand.
        let linked = activator.liveBuildID(workload: name)
        let live = liveBuilds.live(name, linkedTo: linked)
        let linkedProblem = linked.flatMap { id in live == nil ? "the manifest of build \(id) is unreadable" : liveBuilds.problem(of: id) }
        let recorded = workload.status.liveBuildID
        let recordedVerifies = recorded.map { id in
            id == linked ? linkedProblem == nil : liveBuilds.check(name, id).problem == nil
        } ?? false
        var observation: Observation?
        if let live, linkedProblem == nil, let plugin = registry.sources[workload.spec.source.kind] {
            observation = plugin.observe(workload: workload.spec, live: live)
        }
        let facts = ReconcilePlan.Facts(
            generation: workload.generation, status: workload.status, suspended: workload.spec.suspend,
            hasActiveJob: hasActiveJob, linkedBuildID: linked, linkedBuildProblem: linkedProblem,
            recordedBuildVerifies: recordedVerifies, observation: observation, now: now())

        switch ReconcilePlan.decide(facts) {
        case .steady(let health, let reason):
            try setStatus(workload, health: health, reason: reason)
            return []
        case .backoff(_, let reason):
            try setStatus(workload, health: workload.status.liveBuildID == nil ? .failing : .degraded, reason: reason)
            return []
        case .relink(let buildID, let reason):
            try activator.activate(workload: name, buildID: buildID)
            logger.info("\(name): \(reason)")
            try dispatcher.dispatch(DispatchRequest(kind: "reconciler", summary: "\(name): \(reason)", targets: []))
            try setStatus(workload, health: .healthy, reason: reason)
            return []
        case .deploy(let reason):
            logger.info("\(name): \(reason): enqueueing deploy")
            let wanted = workload.status.wantedRevision.map { Revision(id: $0) }
            let result = try dispatcher.dispatch(DispatchRequest(
                kind: "reconciler", summary: "\(name): \(reason)",
                targets: [.init(workload: name, action: "deploy", revision: wanted)]))
            try setStatus(workload, health: .progressing, reason: reason)
            return result.jobs
        }
    }

    /// Writes only when something changed, so a quiet pass costs no writes.
    private func setStatus(_ workload: Workload, health: Health, reason: String) throws {
        guard workload.status.health != health || workload.status.reason != reason else { return }
        try database.updateStatus(workload.name) { status in
            status.health = health
            status.reason = reason
        }
    }
}

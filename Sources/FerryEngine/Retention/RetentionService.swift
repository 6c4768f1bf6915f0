import FerryCore
import FerryStore
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Applies the retention policy, so that events, jobs and their logs, artifacts, objects no kept
/// build lists, and what sources keep for themselves (snapshots, quarantined tarballs, raw
/// telemetry) do not grow without end.
///
/// A pass shortly after start and then every `interval`. Each kind is one store transaction,
/// files are removed after their rows, so a crash between the two can leave a stray file but never
/// a listed artifact or job whose file is gone. Sources prune only workloads with no queued or
/// running job.
public final class RetentionService: Service, Sendable {
    let database: FerryDatabase
    let registry: PluginRegistry
    let paths: FerryPaths
    public let policy: RetentionPolicy
    let interval: Duration
    let now: @Sendable () -> Date
    let logger: Logger
    private let removed = Mutex<[String: Int]>([:])

    init(
        database: FerryDatabase, registry: PluginRegistry, paths: FerryPaths, policy: RetentionPolicy, interval: Duration,
        now: @escaping @Sendable () -> Date, logger: Logger
    ) {
        self.database = database
        self.registry = registry
        self.paths = paths
        self.policy = policy
        self.interval = interval
        self.now = now
        self.logger = logger
    }

    /// Everything removed since start, by kind: `/metrics` shows it as `ferry_retention_removed_total`.
    public var removedTotals: [String: Int] { removed.withLock { $0 } }

    public func run() async throws {
        await cancelWhenGracefulShutdown { [self] in
            try? await Task.sleep(for: .seconds(30))
            while !Task.isCancelled {
                do { _ = try pass() } catch { logger.error("retention pass failed: \(error)") }
                try? await Task.sleep(for: interval)
            }
        }
    }

    /// One pass over every kind; returns what it removed, by kind (`events`, `jobs`, …).
    @discardableResult
    public func pass() throws -> [String: Int] {
        let at = now()
        var counts: [String: Int] = [:]
        counts["events"] = try database.deleteEvents(policy.events, now: at)
        let jobs = try database.deleteFinishedJobs(policy.jobs, now: at)
        for id in jobs { try? FileManager.default.removeItem(at: paths.log(id)) }
        counts["jobs"] = jobs.count
        let artifacts = try database.deleteArtifacts(policy.artifacts, now: at)
        for artifact in artifacts {
            try? FileManager.default.removeItem(at: paths.artifacts(artifact.workload).appendingPathComponent(artifact.name))
        }
        counts["artifacts"] = artifacts.count
        let busy = try database.workloadsWithActiveJobs()
        for workload in try database.workloads() where !busy.contains(workload.name) {
            guard let plugin = registry.sources[workload.spec.source.kind] else { continue }
            let context = SourceRetention(
                workload: workload.spec,
                records: OwnedRecords(database: database, owner: OwnedRecords.workload(workload.name), now: now),
                stateDirectory: paths.state(workload.name), policy: policy, now: at)
            do {
                for (kind, n) in try plugin.prune(context: context) { counts[kind, default: 0] += n }
            } catch {
                logger.error("retention for \(workload.name): \(error)")
            }
        }
        if busy.isEmpty { counts["objects"] = ObjectCollector(paths: paths).collect(now: at) }
        counts = counts.filter { $0.value > 0 }
        if !counts.isEmpty {
            logger.info("retention removed \(counts.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", "))")
            removed.withLock { totals in for (kind, n) in counts { totals[kind, default: 0] += n } }
        }
        return counts
    }
}

/// The retention context a source's `prune` gets: its workload's records and state folder.
struct SourceRetention: RetentionContext {
    let workload: WorkloadSpec
    let records: any RecordStore
    let stateDirectory: URL
    let policy: RetentionPolicy
    let now: Date
}

import FerryCore
import Foundation
import GRDB

/// How the dispatcher wants a job request stored, decided from the jobs already queued.
public enum EnqueueDecision: Sendable, Equatable {
    /// A new job.
    case insert(Job)
    /// An equal queued job absorbs the request (updated, e.g. to the newer revision).
    case merge(Job)
}

extension FerryDatabase {
    /// Stores the event and the jobs it causes in one transaction: once this returns the event
    /// is durable and its jobs are queued; if it throws, neither exists.
    ///
    /// `decide` sees the jobs queued for the same workload and picks insert or merge; it runs
    /// inside the transaction, so two dispatches can't both miss each other's job.
    public func recordEvent(
        _ event: Event, jobs requests: [Job], decide: @escaping @Sendable (_ queued: [Job], _ request: Job) -> EnqueueDecision
    ) throws -> [Job] {
        try write { db in try Self.insert(db, event, requests, decide) }
    }

    /// `recordEvent` for a sender's delivery: when a trusted event with the same binding and
    /// delivery id exists, the event is stored as `duplicate` and starts nothing. The check and
    /// the insert share one transaction, so two copies arriving at once can't both get through.
    public func recordDelivery(
        _ event: Event, jobs requests: [Job], decide: @escaping @Sendable (_ queued: [Job], _ request: Job) -> EnqueueDecision
    ) throws -> (event: Event, jobs: [Job]) {
        try write { db in try Self.storeDelivery(db, event, requests, decide) }
    }

    static func storeDelivery(
        _ db: Database, _ event: Event, _ requests: [Job], _ decide: @Sendable ([Job], Job) -> EnqueueDecision
    ) throws -> (event: Event, jobs: [Job]) {
        var event = event
        if let bindingID = event.bindingID, let deliveryID = event.deliveryID, event.outcome != .refused,
            try Self.trustedDelivery(db, bindingID: bindingID, deliveryID: deliveryID) != nil {
            event.outcome = .duplicate
            event.reason = "duplicate delivery \(deliveryID)"
            try EventRecord(event).insert(db)
            return (event, [])
        }
        return (event, try Self.insert(db, event, requests, decide))
    }

    static func insert(
        _ db: Database, _ event: Event, _ requests: [Job], _ decide: @Sendable ([Job], Job) -> EnqueueDecision
    ) throws -> [Job] {
        try EventRecord(event).insert(db)
        var result: [Job] = []
        for request in requests {
            let statement = try db.cachedStatement(sql: "SELECT * FROM jobs WHERE workload = ? AND state = ? ORDER BY createdAt")
            let queued = try JobRecord.fetchAll(statement, arguments: [request.workload, Job.State.queued.rawValue]).map { try $0.model() }
            switch decide(queued, request) {
            case .insert(let job): try JobRecord(job).insert(db); result.append(job)
            case .merge(let job): try JobRecord(job).update(db); result.append(job)
            }
        }
        return result
    }

    /// Moves runnable jobs to `running`: the oldest queued job of each workload that has none
    /// running, up to `limit` running in all. Atomic, so two runners never claim the same job.
    public func claimRunnableJobs(limit: Int, now: Date) throws -> [Job] {
        try write { db in
            let running = try JobRecord.filter(JobRecord.Columns.state == Job.State.running.rawValue).fetchAll(db)
            var busy = Set(running.map(\.workload))
            var free = limit - running.count
            guard free > 0 else { return [] }
            var claimed: [Job] = []
            let queued = try JobRecord.filter(JobRecord.Columns.state == Job.State.queued.rawValue)
                .order(JobRecord.Columns.createdAt, JobRecord.Columns.id).fetchAll(db)
            for record in queued where free > 0 && !busy.contains(record.workload) {
                var job = try record.model()
                job.state = .running
                job.startedAt = now
                try JobRecord(job).update(db)
                busy.insert(job.workload)
                claimed.append(job)
                free -= 1
            }
            return claimed
        }
    }

    @discardableResult
    public func updateJob(_ id: String, _ change: @escaping @Sendable (inout Job) -> Void) throws -> Job? {
        try write { db in
            guard var job = try JobRecord.fetchOne(db, key: id)?.model() else { return nil }
            change(&job)
            try JobRecord(job).update(db)
            return job
        }
    }

    /// Start-up recovery: jobs a dead process left `running` become `failed (interrupted)`.
    public func interruptRunningJobs(now: Date) throws -> [Job] {
        try write { db in
            let records = try JobRecord.filter(JobRecord.Columns.state == Job.State.running.rawValue).fetchAll(db)
            return try records.map { record in
                var job = try record.model()
                job.state = .failed
                job.message = "interrupted"
                job.finishedAt = now
                try JobRecord(job).update(db)
                return job
            }
        }
    }

    public func job(_ id: String) throws -> Job? {
        try read { db in try JobRecord.fetchOne(db, key: id)?.model() }
    }

    /// Newest first.
    public func jobs(workload: String? = nil, states: [Job.State]? = nil, limit: Int = 100) throws -> [Job] {
        try read { db in
            var request = JobRecord.all()
            if let workload { request = request.filter(JobRecord.Columns.workload == workload) }
            if let states { request = request.filter(states.map(\.rawValue).contains(JobRecord.Columns.state)) }
            return try request.order(JobRecord.Columns.createdAt.desc, JobRecord.Columns.id.desc).limit(limit)
                .fetchAll(db).map { try $0.model() }
        }
    }

    /// Workloads with a queued or running job: the reconciler leaves those alone.
    public func workloadsWithActiveJobs() throws -> Set<String> {
        try read { db in
            let names = try String.fetchAll(
                db, sql: "SELECT DISTINCT workload FROM jobs WHERE state IN ('queued', 'running')")
            return Set(names)
        }
    }

    /// How many jobs are in each state, for metrics.
    public func jobCounts() throws -> [Job.State: Int] {
        try read { db in
            var out: [Job.State: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT state, COUNT(*) AS n FROM jobs GROUP BY state") {
                if let state = Job.State(rawValue: row["state"]) { out[state] = row["n"] }
            }
            return out
        }
    }
}

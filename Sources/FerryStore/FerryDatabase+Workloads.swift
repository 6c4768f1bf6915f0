import FerryCore
import Foundation
import GRDB

/// What `applyWorkload` did, so `ferry apply` can say "created", "configured" or "unchanged".
public enum ApplyResult: String, Sendable, Codable {
    case created, updated, unchanged
}

extension FerryDatabase {
    /// Stores a spec. The generation is bumped only when the spec's canonical form changed,
    /// which is what makes applying the same file twice a no-op. Inline bindings are replaced
    /// in the same transaction so they never disagree with the spec that declared them.
    public func applyWorkload(_ spec: WorkloadSpec, inlineBindings: [Binding], now: Date) throws -> (Workload, ApplyResult) {
        try write { db in
            if let existing = try WorkloadRecord.fetchOne(db, key: spec.name) {
                var workload = try decoded.model(of: existing)
                if JSONColumn.encode(workload.spec) == JSONColumn.encode(spec) { return (workload, .unchanged) }
                workload.spec = spec
                workload.generation += 1
                workload.updatedAt = now
                try WorkloadRecord(workload).update(db)
                try Self.replaceOwnedBindings(db, owner: spec.name, with: inlineBindings)
                return (workload, .updated)
            }
            let workload = Workload(spec: spec, generation: 1, status: WorkloadStatus(), createdAt: now, updatedAt: now)
            try WorkloadRecord(workload).insert(db)
            try Self.replaceOwnedBindings(db, owner: spec.name, with: inlineBindings)
            return (workload, .created)
        }
    }

    public func workload(_ name: String) throws -> Workload? {
        // Read on every webhook delivery and deploy: a cached statement, not a query built each time.
        let record = try read { db in
            try WorkloadRecord.fetchOne(db.cachedStatement(sql: "SELECT * FROM workloads WHERE name = ?"), arguments: [name])
        }
        return try record.map(decoded.model(of:))
    }

    public func workloads() throws -> [Workload] {
        try read { db in try WorkloadRecord.order(WorkloadRecord.Columns.name).fetchAll(db) }.map(decoded.model(of:))
    }

    /// Removes the workload, its inline bindings and its build and deploy records. Jobs and
    /// events stay: they are the history of what happened.
    @discardableResult
    public func deleteWorkload(_ name: String, now: Date = Date()) throws -> Bool {
        defer { decoded.forget(name) }
        return try write { db in
            guard try WorkloadRecord.deleteOne(db, key: name) else { return false }
            try BindingRecord.filter(BindingRecord.Columns.owner == name).deleteAll(db)
            try BuildRecord.filter(BuildRecord.Columns.workload == name).deleteAll(db)
            try DeployRecord.filter(DeployRecord.Columns.workload == name).deleteAll(db)
            try PluginRecordRow.filter(PluginRecordRow.Columns.owner == OwnedRecords.workload(name)).deleteAll(db)
            try JobRecord.filter(JobRecord.Columns.workload == name && JobRecord.Columns.state == Job.State.queued.rawValue)
                .updateAll(
                    db, JobRecord.Columns.state.set(to: Job.State.cancelled.rawValue),
                    JobRecord.Columns.message.set(to: "cancelled: workload deleted"), JobRecord.Columns.finishedAt.set(to: now))
            return true
        }
    }

    /// Changes a workload's status in one transaction; returns nil if it no longer exists.
    @discardableResult
    public func updateStatus(_ name: String, _ change: @escaping @Sendable (inout WorkloadStatus) -> Void) throws -> Workload? {
        try write { db in
            guard var workload = try WorkloadRecord.fetchOne(db, key: name).map(decoded.model(of:)) else { return nil }
            change(&workload.status)
            try WorkloadRecord(workload).update(db)
            return workload
        }
    }
}

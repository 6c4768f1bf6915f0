import FerryCore
import Foundation
import GRDB

extension FerryDatabase {
    public func insertBuild(_ build: Build) throws {
        try write { db in try BuildRecord(build).insert(db) }
    }

    public func build(_ id: String) throws -> Build? {
        try read { db in try BuildRecord.fetchOne(db, key: id)?.model() }
    }

    /// Newest first.
    public func builds(workload: String) throws -> [Build] {
        try read { db in
            try BuildRecord.filter(BuildRecord.Columns.workload == workload)
                .order(BuildRecord.Columns.createdAt.desc, BuildRecord.Columns.id.desc).fetchAll(db).map { try $0.model() }
        }
    }

    public func markBuildsPruned(_ ids: [String], now: Date) throws {
        try write { db in
            _ = try BuildRecord.filter(ids.contains(BuildRecord.Columns.id)).updateAll(db, BuildRecord.Columns.prunedAt.set(to: now))
        }
    }

    /// Records a switch of `current` and the matching status in one transaction, so the deploy
    /// history and the workload's status never disagree.
    @discardableResult
    public func recordDeploy(_ deploy: Deploy, _ change: @escaping @Sendable (inout WorkloadStatus) -> Void) throws -> Workload? {
        try write { db in
            guard var workload = try WorkloadRecord.fetchOne(db, key: deploy.workload).map(decoded.model(of:)) else { return nil }
            try DeployRecord(deploy).insert(db)
            change(&workload.status)
            workload.status.lastDeployID = deploy.id
            try WorkloadRecord(workload).update(db)
            return workload
        }
    }

    public func deploy(_ id: String) throws -> Deploy? {
        try read { db in try DeployRecord.fetchOne(db, key: id)?.model() }
    }

    /// The deploy a job recorded, if it got that far: recovery must not re-run a job whose
    /// build already went live.
    public func deploy(jobID: String) throws -> Deploy? {
        try read { db in try DeployRecord.filter(DeployRecord.Columns.jobID == jobID).fetchOne(db)?.model() }
    }

    /// Newest first; every workload's when `workload` is nil.
    public func deploys(workload: String?, limit: Int = 100) throws -> [Deploy] {
        try read { db in
            var request = DeployRecord.all()
            if let workload { request = request.filter(DeployRecord.Columns.workload == workload) }
            return try request
                .order(DeployRecord.Columns.createdAt.desc, DeployRecord.Columns.id.desc).limit(limit).fetchAll(db)
                .map { try $0.model() }
        }
    }
}

import FerryCore
import Foundation
import GRDB

extension FerryDatabase {
    public func insertArtifact(_ artifact: Artifact) throws {
        try write { db in try ArtifactRecord(artifact).insert(db) }
    }

    public func artifact(_ id: String) throws -> Artifact? {
        try read { db in try ArtifactRecord.fetchOne(db, key: id)?.model() }
    }

    /// Newest first; every workload's when `workload` is nil.
    public func artifacts(workload: String? = nil, limit: Int = 200) throws -> [Artifact] {
        try read { db in
            var request = ArtifactRecord.order(ArtifactRecord.Columns.createdAt.desc)
            if let workload { request = request.filter(ArtifactRecord.Columns.workload == workload) }
            return try request.limit(limit).fetchAll(db).map { try $0.model() }
        }
    }
}

import FerryCore
import Foundation
import GRDB

struct BuildRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "builds"
    enum Columns {
        static let id = Column(CodingKeys.id)
        static let workload = Column(CodingKeys.workload)
        static let createdAt = Column(CodingKeys.createdAt)
        static let prunedAt = Column(CodingKeys.prunedAt)
    }

    var id: String
    var workload: String
    var jobID: String?
    var revision: String?
    var fileCount: Int
    var totalBytes: Int64
    var digest: String
    var createdAt: Date
    var prunedAt: Date?

    init(_ b: Build) {
        id = b.id
        workload = b.workload
        jobID = b.jobID
        revision = b.revision.map(JSONColumn.encode)
        fileCount = b.fileCount
        totalBytes = b.totalBytes
        digest = b.digest
        createdAt = b.createdAt
        prunedAt = b.prunedAt
    }

    func model() throws -> Build {
        Build(
            id: id, workload: workload, jobID: jobID, revision: try revision.map { try JSONColumn.decode(Revision.self, $0) },
            fileCount: fileCount, totalBytes: totalBytes, digest: digest, createdAt: createdAt, prunedAt: prunedAt)
    }
}

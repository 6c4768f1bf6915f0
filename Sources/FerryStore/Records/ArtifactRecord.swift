import FerryCore
import Foundation
import GRDB

struct ArtifactRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "artifacts"
    enum Columns {
        static let workload = Column(CodingKeys.workload)
        static let createdAt = Column(CodingKeys.createdAt)
    }

    var id: String
    var workload: String
    var jobID: String?
    var name: String
    var size: Int64
    var sha256: String
    var details: String
    var createdAt: Date

    init(_ a: Artifact) {
        id = a.id
        workload = a.workload
        jobID = a.jobID
        name = a.name
        size = a.size
        sha256 = a.sha256
        details = JSONColumn.encode(a.details)
        createdAt = a.createdAt
    }

    func model() throws -> Artifact {
        Artifact(
            id: id, workload: workload, jobID: jobID, name: name, size: size, sha256: sha256,
            details: try JSONColumn.decode(JSONValue.self, details), createdAt: createdAt)
    }
}

import FerryCore
import Foundation
import GRDB

struct DeployRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "deploys"
    enum Columns {
        static let id = Column(CodingKeys.id)
        static let workload = Column(CodingKeys.workload)
        static let createdAt = Column(CodingKeys.createdAt)
        static let jobID = Column(CodingKeys.jobID)
    }

    var id: String
    var workload: String
    var buildID: String
    var kind: String
    var revision: String?
    var jobID: String?
    var fromDeployID: String?
    var previousBuildID: String?
    var createdAt: Date

    init(_ d: Deploy) {
        id = d.id
        workload = d.workload
        buildID = d.buildID
        kind = d.kind.rawValue
        revision = d.revision.map(JSONColumn.encode)
        jobID = d.jobID
        fromDeployID = d.fromDeployID
        previousBuildID = d.previousBuildID
        createdAt = d.createdAt
    }

    func model() throws -> Deploy {
        Deploy(
            id: id, workload: workload, buildID: buildID, kind: Deploy.Kind(rawValue: kind) ?? .deploy,
            revision: try revision.map { try JSONColumn.decode(Revision.self, $0) }, jobID: jobID,
            fromDeployID: fromDeployID, previousBuildID: previousBuildID, createdAt: createdAt)
    }
}

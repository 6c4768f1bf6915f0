import FerryCore
import Foundation
import GRDB

struct WorkloadRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "workloads"
    enum Columns {
        static let name = Column(CodingKeys.name)
    }

    var name: String
    var spec: String
    var generation: Int
    var status: String
    var createdAt: Date
    var updatedAt: Date

    init(_ w: Workload) {
        name = w.name
        spec = JSONColumn.encode(w.spec)
        generation = w.generation
        status = JSONColumn.encode(w.status)
        createdAt = w.createdAt
        updatedAt = w.updatedAt
    }
}

import FerryCore
import Foundation
import GRDB

struct BindingRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "bindings"
    enum Columns {
        static let id = Column(CodingKeys.id)
        static let owner = Column(CodingKeys.owner)
    }

    var id: String
    var kind: String
    var config: String
    var workloads: String
    var suspend: Bool
    var owner: String?
    var createdAt: Date

    init(_ b: Binding) {
        id = b.id
        kind = b.kind
        config = JSONColumn.encode(b.config)
        workloads = JSONColumn.encode(b.workloads)
        suspend = b.suspend
        owner = b.owner
        createdAt = b.createdAt
    }

    func model() throws -> Binding {
        Binding(
            id: id, kind: kind, config: try JSONColumn.decode(JSONValue.self, config),
            workloads: try JSONColumn.decode([Binding.Target].self, workloads), suspend: suspend, owner: owner,
            createdAt: createdAt)
    }
}

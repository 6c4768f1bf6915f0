import FerryCore
import Foundation
import GRDB

struct PluginRecordRow: Codable, Sendable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "plugin_records"
    enum Columns {
        static let owner = Column(CodingKeys.owner)
        static let collection = Column(CodingKeys.collection)
        static let key = Column(CodingKeys.key)
        static let label = Column(CodingKeys.label)
        static let stamp = Column(CodingKeys.stamp)
        static let updatedAt = Column(CodingKeys.updatedAt)
    }

    var owner: String
    var collection: String
    var key: String
    var json: Data
    var label: String?
    var stamp: Int64
    var updatedAt: Date

    func model() -> StoredRecord {
        StoredRecord(collection: collection, key: key, json: json, label: label, stamp: stamp, updatedAt: updatedAt)
    }
}

import FerryCore
import Foundation
import GRDB

/// A `RecordStore` scoped to one owner (`workload:<name>`, `binding:<id>`): the only way plugins
/// reach the `plugin_records` table, so one plugin's records are invisible to another's.
public struct OwnedRecords: RecordStore {
    let database: FerryDatabase
    public let owner: String
    let now: @Sendable () -> Date

    public init(database: FerryDatabase, owner: String, now: @escaping @Sendable () -> Date = { Date() }) {
        self.database = database
        self.owner = owner
        self.now = now
    }

    public static func workload(_ name: String) -> String { "workload:\(name)" }
    public static func binding(_ id: String) -> String { "binding:\(id)" }

    public func put(_ collection: String, _ records: [RecordWrite]) throws {
        guard !records.isEmpty else { return }
        let at = now()
        let owner = owner
        try database.write { db in try Self.save(records, owner: owner, collection: collection, at: at, in: db) }
    }

    private static func save(_ records: [RecordWrite], owner: String, collection: String, at: Date, in db: Database) throws {
        for r in records {
            try PluginRecordRow(
                owner: owner, collection: collection, key: r.key, json: r.json, label: r.label, stamp: r.stamp, updatedAt: at
            ).save(db)
        }
    }

    public func get(_ collection: String, key: String) throws -> StoredRecord? {
        let owner = owner
        return try database.read { db in
            try PluginRecordRow.fetchOne(db, key: ["owner": owner, "collection": collection, "key": key])?.model()
        }
    }

    public func list(_ query: RecordQuery) throws -> [StoredRecord] {
        let request = filtered(query)
        return try database.read { db in
            var ordered: QueryInterfaceRequest<PluginRecordRow>
            switch query.order {
            case .key: ordered = request.order(PluginRecordRow.Columns.key)
            case .stampDescending: ordered = request.order(PluginRecordRow.Columns.stamp.desc, PluginRecordRow.Columns.key)
            case .updatedDescending: ordered = request.order(PluginRecordRow.Columns.updatedAt.desc, PluginRecordRow.Columns.key)
            }
            if let limit = query.limit { ordered = ordered.limit(limit, offset: query.offset) } else if query.offset > 0 {
                ordered = ordered.limit(-1, offset: query.offset)
            }
            return try ordered.fetchAll(db).map { $0.model() }
        }
    }

    public func count(_ query: RecordQuery) throws -> Int {
        let request = filtered(query)
        return try database.read { db in try request.fetchCount(db) }
    }

    public func delete(_ collection: String, keys: [String]) throws {
        guard !keys.isEmpty else { return }
        let owner = owner
        try database.write { db in
            _ = try PluginRecordRow.filter(
                PluginRecordRow.Columns.owner == owner && PluginRecordRow.Columns.collection == collection
                    && keys.contains(PluginRecordRow.Columns.key)
            ).deleteAll(db)
        }
    }

    public func fold(_ records: [RecordWrite], into collection: String, deleting keys: [String], from source: String) throws {
        let at = now()
        let owner = owner
        try database.write { db in
            try Self.save(records, owner: owner, collection: collection, at: at, in: db)
            // SQLite caps the variables of one statement; the chunks share the transaction.
            for start in stride(from: 0, to: keys.count, by: 500) {
                let chunk = Array(keys[start..<min(start + 500, keys.count)])
                _ = try PluginRecordRow.filter(
                    PluginRecordRow.Columns.owner == owner && PluginRecordRow.Columns.collection == source
                        && chunk.contains(PluginRecordRow.Columns.key)
                ).deleteAll(db)
            }
        }
    }

    public func deleteAll(_ collection: String) throws {
        let owner = owner
        try database.write { db in
            _ = try PluginRecordRow.filter(PluginRecordRow.Columns.owner == owner && PluginRecordRow.Columns.collection == collection)
                .deleteAll(db)
        }
    }

    private func filtered(_ query: RecordQuery) -> QueryInterfaceRequest<PluginRecordRow> {
        var request = PluginRecordRow.filter(
            PluginRecordRow.Columns.owner == owner && PluginRecordRow.Columns.collection == query.collection)
        if let search = query.search?.lowercased(), !search.isEmpty {
            request = request.filter(PluginRecordRow.Columns.key.lowercased.like("%\(Self.escapeLike(search))%", escape: "\\"))
        }
        if let prefix = query.keyPrefix, !prefix.isEmpty {
            request = request.filter(PluginRecordRow.Columns.key.like("\(Self.escapeLike(prefix))%", escape: "\\"))
        }
        if let label = query.label { request = request.filter(PluginRecordRow.Columns.label == label) }
        if let max = query.maxStamp { request = request.filter(PluginRecordRow.Columns.stamp <= max) }
        if let min = query.minStamp { request = request.filter(PluginRecordRow.Columns.stamp >= min) }
        return request
    }

    private static func escapeLike(_ s: String) -> String {
        s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
    }
}

extension FerryDatabase {
    /// Removes every record an owner kept (a deleted workload's, a removed binding's).
    public func deleteRecords(owner: String) throws {
        try write { db in _ = try PluginRecordRow.filter(PluginRecordRow.Columns.owner == owner).deleteAll(db) }
    }
}

import Foundation

/// A plugin's own durable state — an npm mirror's package index, a Composer repository's
/// synced packages, a watcher's cursor — kept in Ferry's store without the plugin seeing SQL.
///
/// Each store is scoped by the engine to one owner (a workload or a binding), so plugins cannot
/// read each other's records. Records live in named collections, are keyed by a string, carry
/// JSON, an optional `label` to filter on (a package type) and a `stamp` to order or cut by
/// (a sync run id, a time): enough for paged listings and snapshot-consistent builds.
public protocol RecordStore: Sendable {
    /// Inserts or replaces the records in one transaction: all of them land, or none.
    func put(_ collection: String, _ records: [RecordWrite]) throws
    func get(_ collection: String, key: String) throws -> StoredRecord?
    func list(_ query: RecordQuery) throws -> [StoredRecord]
    func count(_ query: RecordQuery) throws -> Int
    func delete(_ collection: String, keys: [String]) throws
    func deleteAll(_ collection: String) throws
    /// Writes `records` into `collection` and deletes `keys` from `source` in one transaction:
    /// what folding detail rows into a summary needs, so a crash cannot count them twice or lose them.
    func fold(_ records: [RecordWrite], into collection: String, deleting keys: [String], from source: String) throws
}

extension RecordStore {
    public func put(_ collection: String, _ record: RecordWrite) throws { try put(collection, [record]) }

    /// Decodes one record, or nil when there is none.
    public func value<T: Decodable>(_ type: T.Type, in collection: String, key: String) throws -> T? {
        try get(collection, key: key)?.decode(T.self)
    }

    /// Every record of a collection, in key order.
    public func all(_ collection: String) throws -> [StoredRecord] { try list(RecordQuery(collection: collection)) }
}

/// One record to write.
public struct RecordWrite: Sendable {
    public var key: String
    public var json: Data
    public var label: String?
    public var stamp: Int64

    public init(key: String, json: Data, label: String? = nil, stamp: Int64 = 0) {
        self.key = key
        self.json = json
        self.label = label
        self.stamp = stamp
    }

    /// Encodes any Codable value as the record's JSON.
    public init(key: String, value: some Encodable, label: String? = nil, stamp: Int64 = 0) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        self.init(key: key, json: try encoder.encode(value), label: label, stamp: stamp)
    }
}

/// One stored record.
public struct StoredRecord: Sendable {
    public var collection: String
    public var key: String
    public var json: Data
    public var label: String?
    public var stamp: Int64
    public var updatedAt: Date

    public init(collection: String, key: String, json: Data, label: String?, stamp: Int64, updatedAt: Date) {
        self.collection = collection
        self.key = key
        self.json = json
        self.label = label
        self.stamp = stamp
        self.updatedAt = updatedAt
    }

    public func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        do { return try decoder.decode(T.self, from: json) } catch {
            throw FerryError(.internal, "stored record \(collection)/\(key) is unreadable as \(T.self): \(error)", cause: error)
        }
    }

    /// The record as plain JSON, for API listings.
    public var value: JSONValue { (try? JSONValue(parsing: json)) ?? .null }
}

/// Which records to list: a collection, optionally narrowed and paged.
public struct RecordQuery: Sendable {
    public enum Order: Sendable {
        case key
        case stampDescending
        case updatedDescending
    }

    public var collection: String
    /// Case-insensitive substring of the key.
    public var search: String?
    public var keyPrefix: String?
    public var label: String?
    /// Only records whose stamp is at most this (a build's sync run id).
    public var maxStamp: Int64?
    public var minStamp: Int64?
    public var order: Order
    public var limit: Int?
    public var offset: Int

    public init(
        collection: String, search: String? = nil, keyPrefix: String? = nil, label: String? = nil, maxStamp: Int64? = nil,
        minStamp: Int64? = nil, order: Order = .key, limit: Int? = nil, offset: Int = 0
    ) {
        self.collection = collection
        self.search = search
        self.keyPrefix = keyPrefix
        self.label = label
        self.maxStamp = maxStamp
        self.minStamp = minStamp
        self.order = order
        self.limit = limit
        self.offset = offset
    }
}

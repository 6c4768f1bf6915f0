import FerryCore
import FerryEngine
import Foundation
import Synchronization

/// An in-memory `RecordStore` with the same query semantics as the engine's, for plugin tests
/// that need no database.
public final class MemoryRecords: RecordStore {
    private let storage = Mutex<[String: [String: StoredRecord]]>([:])

    public init() {}

    public func put(_ collection: String, _ records: [RecordWrite]) throws {
        let now = Date()
        storage.withLock { all in
            for r in records {
                all[collection, default: [:]][r.key] = StoredRecord(
                    collection: collection, key: r.key, json: r.json, label: r.label, stamp: r.stamp, updatedAt: now)
            }
        }
    }

    public func get(_ collection: String, key: String) throws -> StoredRecord? {
        storage.withLock { $0[collection]?[key] }
    }

    public func list(_ query: RecordQuery) throws -> [StoredRecord] {
        var rows = matching(query)
        switch query.order {
        case .key: rows.sort { $0.key < $1.key }
        case .stampDescending: rows.sort { ($0.stamp, $1.key) > ($1.stamp, $0.key) }
        case .updatedDescending: rows.sort { ($0.updatedAt, $1.key) > ($1.updatedAt, $0.key) }
        }
        let start = min(query.offset, rows.count)
        let end = query.limit.map { min(start + $0, rows.count) } ?? rows.count
        return Array(rows[start..<end])
    }

    public func count(_ query: RecordQuery) throws -> Int { matching(query).count }

    public func delete(_ collection: String, keys: [String]) throws {
        storage.withLock { all in for key in keys { all[collection]?[key] = nil } }
    }

    public func fold(_ records: [RecordWrite], into collection: String, deleting keys: [String], from source: String) throws {
        let now = Date()
        storage.withLock { all in
            for r in records {
                all[collection, default: [:]][r.key] = StoredRecord(
                    collection: collection, key: r.key, json: r.json, label: r.label, stamp: r.stamp, updatedAt: now)
            }
            for key in keys { all[source]?[key] = nil }
        }
    }

    public func deleteAll(_ collection: String) throws {
        _ = storage.withLock { $0.removeValue(forKey: collection) }
    }

    private func matching(_ query: RecordQuery) -> [StoredRecord] {
        let rows = storage.withLock { Array(($0[query.collection] ?? [:]).values) }
        return rows.filter { r in
            if let s = query.search?.lowercased(), !s.isEmpty, !r.key.lowercased().contains(s) { return false }
            if let p = query.keyPrefix, !p.isEmpty, !r.key.hasPrefix(p) { return false }
            if let l = query.label, r.label != l { return false }
            if let m = query.maxStamp, r.stamp > m { return false }
            if let m = query.minStamp, r.stamp < m { return false }
            return true
        }
    }
}

/// A `SurfaceContext` for plugin tests.
public struct TestSurfaceContext: SurfaceContext {
    public var workload: WorkloadSpec
    public var volumes: [String: URL]
    public var records: any RecordStore
    public var publicBase: String
    public var env: [String: String]
    public var http: any HTTPFetcher
    public var stateDirectory: URL
    /// What the surface logged, for tests that check a skip is reported.
    public let logged = LogLines()

    public init(
        workload: WorkloadSpec, volumes: [String: URL] = [:], records: any RecordStore = MemoryRecords(), publicBase: String = "http://127.0.0.1:8080",
        env: [String: String] = [:], http: any HTTPFetcher = UpstreamHTTP(),
        stateDirectory: URL = FileManager.default.temporaryDirectory.appendingPathComponent("ferry-surface-\(UUID().uuidString)")
    ) {
        self.workload = workload
        self.volumes = volumes
        self.records = records
        self.publicBase = publicBase
        self.env = env
        self.http = http
        self.stateDirectory = stateDirectory
    }

    public func log(_ message: String) { logged.append(message) }
}

/// Lines a test context was asked to log, shared across the copies a struct context makes.
public final class LogLines: Sendable {
    private let lines = Mutex<[String]>([])

    public init() {}

    public func append(_ line: String) { lines.withLock { $0.append(line) } }

    public var all: [String] { lines.withLock { $0 } }
}

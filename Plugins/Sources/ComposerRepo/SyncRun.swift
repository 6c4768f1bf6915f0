import FerryCore
import Foundation

/// One run of `update` or `check-status`. Its id stamps every record the run wrote, so a build can
/// take the newest *finished* run as its snapshot and leave out whatever a later run is still writing.
struct SyncRun: Codable, Sendable {
    enum State: String, Codable, Sendable { case running, finished, failed }

    var id: Int64
    var kind: String
    var state: State
    var startedAt: Date
    var finishedAt: Date?
    var counts: [String: Int] = [:]

    static let collection = "sync-runs"

    static func key(_ id: Int64) -> String { String(format: "%012lld", id) }

    /// Allocates the next id and records the run as running.
    static func start(kind: String, records: any RecordStore) throws -> SyncRun {
        let last = try records.list(RecordQuery(collection: collection, order: .stampDescending, limit: 1)).first?.stamp ?? 0
        let run = SyncRun(id: last + 1, kind: kind, state: .running, startedAt: Date())
        try records.put(collection, RecordWrite(key: key(run.id), value: run, label: run.state.rawValue, stamp: run.id))
        return run
    }

    mutating func finish(_ state: State, counts: [String: Int], records: any RecordStore) throws {
        self.state = state
        self.counts = counts
        finishedAt = Date()
        try records.put(Self.collection, RecordWrite(key: Self.key(id), value: self, label: state.rawValue, stamp: id))
    }

    /// The newest finished run's id: the snapshot a build includes data up to (0 before any run).
    static func snapshot(records: any RecordStore) throws -> Int64 {
        try records.list(RecordQuery(collection: collection, label: State.finished.rawValue, order: .stampDescending, limit: 1)).first?.stamp ?? 0
    }
}

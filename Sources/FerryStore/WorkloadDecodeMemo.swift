import FerryCore
import Foundation
import Synchronization

/// The last decoded spec and status of each workload, keyed by name and checked against the
/// stored JSON text. Decoding specs was half the dashboard's time at 1,000 workloads and the
/// larger part of a webhook delivery's reads; the rows are still read from SQLite every time,
/// so a write by any connection (or another process) is seen at once: only an identical text
/// reuses the value. Bounded by the number of workloads.
final class WorkloadDecodeMemo: Sendable {
    private struct Entry {
        var specText: String
        var spec: WorkloadSpec
        var statusText: String
        var status: WorkloadStatus
    }

    private let entries = Mutex<[String: Entry]>([:])

    func model(of record: WorkloadRecord) throws -> Workload {
        let cached = entries.withLock { $0[record.name] }
        let spec: WorkloadSpec
        let status: WorkloadStatus
        if let cached, cached.specText == record.spec {
            spec = cached.spec
        } else {
            spec = try JSONColumn.decode(WorkloadSpec.self, record.spec)
        }
        if let cached, cached.statusText == record.status {
            status = cached.status
        } else {
            status = try JSONColumn.decode(WorkloadStatus.self, record.status)
        }
        if cached?.specText != record.spec || cached?.statusText != record.status {
            let entry = Entry(specText: record.spec, spec: spec, statusText: record.status, status: status)
            entries.withLock { $0[record.name] = entry }
        }
        return Workload(spec: spec, generation: record.generation, status: status, createdAt: record.createdAt, updatedAt: record.updatedAt)
    }

    /// Drops a deleted workload's entry, so the memo holds only workloads that exist.
    func forget(_ name: String) {
        _ = entries.withLock { $0.removeValue(forKey: name) }
    }
}

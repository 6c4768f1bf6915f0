import FerryCore
import Foundation

/// The poller's cursor in the binding's records: what it last saw upstream and what it last
/// delivered, with the HTTP validators that let the upstream answer 304. Kept per upstream
/// (`key`), so a config pointing elsewhere starts afresh instead of comparing apples and pears.
struct PollState: Codable, Sendable, Equatable {
    static let collection = "registry-poll"

    var key: String
    /// The version or revision id last delivered (fired, or skipped while suspended).
    var delivered: String?
    var etag: String?
    var lastModified: String?
    /// Consecutive failed checks, for the back-off.
    var failures: Int = 0

    static func load(_ records: any RecordStore, key: String) throws -> PollState {
        try records.value(PollState.self, in: collection, key: key) ?? PollState(key: key)
    }

    func save(_ records: any RecordStore) throws {
        try records.put(Self.collection, RecordWrite(key: key, value: self))
    }

    /// What to do with an observation; pure.
    enum Decision: Equatable {
        /// Nothing changed (304, or the same version).
        case unchanged
        /// First sight of the upstream: remember it without firing; the workload's own deploy
        /// covers what already exists.
        case baseline(String)
        /// A new version: fire once.
        case changed(from: String, to: String)
    }

    func decide(_ seen: String?) -> Decision {
        guard let seen else { return .unchanged }
        guard let delivered else { return .baseline(seen) }
        return seen == delivered ? .unchanged : .changed(from: delivered, to: seen)
    }

    /// Back-off after `failures` consecutive errors: 0.5 s doubling, at most 15 minutes.
    static func backoff(failures: Int) -> TimeInterval {
        guard failures > 0 else { return 0 }
        return min(900, 0.5 * pow(2, Double(min(failures - 1, 20))))
    }
}

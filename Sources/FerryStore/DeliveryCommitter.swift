import FerryCore
import Foundation
import GRDB
import Synchronization

/// Group commit for webhook deliveries: deliveries that arrive while a transaction is being
/// committed wait together and go into the next one, so a burst costs one fsync per batch
/// instead of one per delivery, and each sender is answered only after its batch committed.
///
/// The transactions run on a dispatch queue of their own, never on Swift's concurrency pool: a
/// caller waiting for the write lock (a long transaction, a backup, another process holding the
/// file) suspends instead of blocking one of the pool's few threads, so every other request
/// keeps being served meanwhile. Each delivery gets a savepoint, so one that fails (its
/// duplicate check, a constraint) fails alone and its batch still commits.
public final class DeliveryCommitter: Sendable {
    /// Deliveries in one transaction at most; a larger backlog takes several.
    public static let maxBatch = 256
    /// How long a batch keeps waiting for a write lock another process holds (SQLite's busy
    /// timeout gives up after 5 s each try) before its senders get 503 and retry: long enough
    /// for a backup or a long transaction, shorter than a forge's delivery timeout would make
    /// pointless.
    public static let defaultLockWait: TimeInterval = 9

    private struct Pending: Sendable {
        var event: Event
        var jobs: [Job]
        var checkDuplicate: Bool
        var decide: @Sendable ([Job], Job) -> EnqueueDecision
        var continuation: CheckedContinuation<(event: Event, jobs: [Job]), any Error>
    }

    private let database: FerryDatabase
    private let queue = DispatchQueue(label: "ferry.delivery-commit")
    private let state = Mutex<(pending: [Pending], draining: Bool, batches: Int, largest: Int)>(([], false, 0, 0))
    private let wait = Mutex<TimeInterval>(DeliveryCommitter.defaultLockWait)

    /// `defaultLockWait` unless changed: a test that holds the lock until it has seen what it
    /// wanted to see lengthens it, so that what it measures is the waiting, not the timeout.
    public var lockWait: TimeInterval {
        get { wait.withLock { $0 } }
        set { wait.withLock { $0 = newValue } }
    }

    public init(database: FerryDatabase) { self.database = database }

    /// `FerryDatabase.recordDelivery` (or `recordEvent` when `checkDuplicate` is false), batched
    /// with whatever else is waiting.
    public func record(
        _ event: Event, jobs: [Job], checkDuplicate: Bool, decide: @escaping @Sendable ([Job], Job) -> EnqueueDecision
    ) async throws -> (event: Event, jobs: [Job]) {
        try await withCheckedThrowingContinuation { continuation in
            let start = state.withLock { s in
                s.pending.append(Pending(event: event, jobs: jobs, checkDuplicate: checkDuplicate, decide: decide, continuation: continuation))
                defer { s.draining = true }
                return !s.draining
            }
            if start { queue.async { self.drain() } }
        }
    }

    /// Transactions committed so far and the largest batch, for tests and `/metrics`.
    public var statistics: (batches: Int, largest: Int) { state.withLock { ($0.batches, $0.largest) } }

    private func drain() {
        while true {
            let batch = state.withLock { s -> [Pending] in
                let batch = Array(s.pending.prefix(Self.maxBatch))
                s.pending.removeFirst(batch.count)
                if batch.isEmpty { s.draining = false } else {
                    s.batches += 1
                    s.largest = max(s.largest, batch.count)
                }
                return batch
            }
            if batch.isEmpty { return }
            commit(batch)
        }
    }

    private func commit(_ batch: [Pending]) {
        let deadline = Date().addingTimeInterval(lockWait)
        var results: [Result<(event: Event, jobs: [Job]), any Error>] = []
        do {
            results = try Self.whileLocked(until: deadline) { try database.write { db in
                batch.map { p in
                    Result {
                        var stored: (event: Event, jobs: [Job]) = (p.event, [])
                        try db.inSavepoint {
                            stored = p.checkDuplicate
                                ? try FerryDatabase.storeDelivery(db, p.event, p.jobs, p.decide)
                                : (p.event, try FerryDatabase.insert(db, p.event, p.jobs, p.decide))
                            return .commit
                        }
                        return stored
                    }
                }
            } }
        } catch {
            for pending in batch { pending.continuation.resume(throwing: error) }
            return
        }
        for (pending, result) in zip(batch, results) { pending.continuation.resume(with: result) }
    }

    /// Runs `body` again while it fails because another writer holds the file, until `deadline`;
    /// then the failure is `unavailable` (503 with Retry-After), not an internal error.
    static func whileLocked<T>(until deadline: Date, _ body: () throws -> T) throws -> T {
        while true {
            do { return try body() } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY {
                if Date() >= deadline {
                    throw FerryError(.unavailable, "the store is locked by another writer; retry later", cause: error)
                }
            }
        }
    }
}

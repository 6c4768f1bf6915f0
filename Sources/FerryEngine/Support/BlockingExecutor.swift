import Foundation

/// Where Ferry's code that may block runs: store calls (GRDB is synchronous), file walks and
/// child processes. Swift's concurrency pool has one thread per core — two on a small VM — so
/// one caller waiting for SQLite's write lock there would stall every request and job. Code
/// that prefers this executor (`withTaskExecutorPreference`, `Task(executorPreference:)`) runs
/// on a dispatch queue whose threads libdispatch adds as others block, and leaves the pool to
/// the event loops' neighbours.
///
/// Services run their loops under it, the server runs its handlers under it
/// (`BlockingExecutorMiddleware`), and the job runner starts every job on it.
public final class BlockingExecutor: TaskExecutor {
    public static let shared = BlockingExecutor()

    /// A queue made by `DispatchQueue.init` targets libdispatch's overcommit root queue: a work
    /// item never waits for an idle thread when the others are blocked.
    private let queue = DispatchQueue(label: "ferry.blocking", qos: .userInitiated, attributes: .concurrent)

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        queue.async { job.runSynchronously(on: executor) }
    }
}

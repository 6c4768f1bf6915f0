import FerryCore
import FerryStore
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Takes queued jobs and runs them: at most one per workload, at most `concurrency` in all.
///
/// A service: it claims work whenever the dispatcher wakes it (and once a second, in case a
/// wake-up was missed), and on graceful shutdown stops claiming and cancels what runs; those
/// jobs stay `running` in the store, so the next start marks them interrupted and re-runs them.
public final class JobRunner: Service {
    let database: FerryDatabase
    let executor: JobExecutor
    let concurrency: Int
    private let wakeStream: AsyncStream<Void>
    private let wakeContinuation: AsyncStream<Void>.Continuation
    private let running = Mutex<[String: Task<Void, Never>]>([:])
    private let stopping = Atomic<Bool>(false)
    private let held = Atomic<Bool>(false)

    init(database: FerryDatabase, executor: JobExecutor, concurrency: Int) {
        self.database = database
        self.executor = executor
        self.concurrency = max(1, concurrency)
        (wakeStream, wakeContinuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Asks the runner to look for runnable jobs now.
    public func wake() { wakeContinuation.yield() }

    /// Claims nothing until `release()`: start-up recovery kills what a dead server's jobs left
    /// running and removes their scratch folders, which must not race a job this process starts.
    public func hold() { held.store(true, ordering: .releasing) }

    public func release() {
        held.store(false, ordering: .releasing)
        wake()
    }

    /// Cancels a running job; returns false if it is not running in this process.
    public func cancel(jobID: String) -> Bool {
        guard let task = running.withLock({ $0[jobID] }) else { return false }
        task.cancel()
        return true
    }

    public var runningJobIDs: [String] { running.withLock { Array($0.keys) } }

    public func run() async throws {
        await withDiscardingTaskGroup { group in
            group.addTask { [wakeContinuation] in
                while !Task.isCancelled {
                    try? await Task.sleep(for: .seconds(1))
                    wakeContinuation.yield()
                }
            }
            for await _ in wakeStream.cancelOnGracefulShutdown() {
                if held.load(ordering: .acquiring) { continue }
                let free = concurrency - running.withLock { $0.count }
                guard free > 0 else { continue }
                let claimed: [Job]
                do { claimed = try database.claimRunnableJobs(limit: concurrency, now: executor.now()) } catch {
                    executor.logger.error("cannot claim jobs: \(error)")
                    continue
                }
                for job in claimed { group.addTask { await self.runOne(job) } }
            }
            stopping.store(true, ordering: .sequentiallyConsistent)
            for task in running.withLock({ Array($0.values) }) { task.cancel() }
            group.cancelAll()
        }
    }

    private func runOne(_ job: Job) async {
        let task = Task(executorPreference: BlockingExecutor.shared) {
            await self.executor.execute(job, shuttingDown: { self.stopping.load(ordering: .sequentiallyConsistent) })
        }
        running.withLock { $0[job.id] = task }
        await withTaskCancellationHandler { await task.value } onCancel: { task.cancel() }
        running.withLock { $0[job.id] = nil }
        wake()
    }
}

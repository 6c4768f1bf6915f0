import FerryCore
import FerryStore
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Runs one task per binding whose trigger is a `WatchTrigger` (schedule, registry-poll,
/// log-scan), and keeps that set equal to the stored bindings.
///
/// A service: each `sync` compares the stored bindings with the running watchers by a
/// fingerprint of kind, config and targets, starts the new ones, restarts the changed ones and
/// stops the deleted ones. It syncs at start, when woken (every engine path that changes a
/// binding or a workload file wakes it), and every `refreshInterval` (a minute) in case a change
/// came from elsewhere; a sync reads every binding, which with thousands of them is most of the
/// supervisor's idle cost (bench/watchers.sh). Suspension needs no restart:
/// the context reads it afresh at every firing. On graceful shutdown every watcher is cancelled
/// and awaited; their cursors are in the store, so the next start continues where they stopped.
public final class WatchSupervisor: Service {
    struct Running {
        var fingerprint: Data
        var task: Task<Void, Never>
    }

    let database: FerryDatabase
    let registry: PluginRegistry
    let dispatcher: Dispatcher
    let secrets: SecretBox
    let http: any HTTPFetcher
    let paths: FerryPaths
    let clock: any WatchClock
    let refreshInterval: Duration
    let logger: Logger
    private let running = Mutex<[String: Running]>([:])
    private let wakeStream: AsyncStream<Void>
    private let wakeContinuation: AsyncStream<Void>.Continuation

    init(
        database: FerryDatabase, registry: PluginRegistry, dispatcher: Dispatcher, secrets: SecretBox, http: any HTTPFetcher,
        paths: FerryPaths, clock: any WatchClock, refreshInterval: Duration = .seconds(60), logger: Logger
    ) {
        self.database = database
        self.registry = registry
        self.dispatcher = dispatcher
        self.secrets = secrets
        self.http = http
        self.paths = paths
        self.clock = clock
        self.refreshInterval = refreshInterval
        self.logger = logger
        (wakeStream, wakeContinuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        wakeContinuation.yield()
    }

    /// Asks for a sync soon (bindings changed).
    public func wake() { wakeContinuation.yield() }

    /// Ids of the bindings being watched now.
    public var watchedBindings: [String] { running.withLock { $0.keys.sorted() } }

    public func run() async throws {
        await withDiscardingTaskGroup { group in
            group.addTask { [refreshInterval, wakeContinuation] in
                while !Task.isCancelled {
                    try? await Task.sleep(for: refreshInterval)
                    wakeContinuation.yield()
                }
            }
            for await _ in wakeStream.cancelOnGracefulShutdown() { sync() }
            group.cancelAll()
        }
        await stopAll()
    }

    /// Makes the running watchers match the stored bindings. Called by `run`; tests call it
    /// directly with the service off.
    public func sync() {
        let bindings: [Binding]
        do { bindings = try database.bindings() } catch {
            logger.error("watch: cannot read bindings: \(error)")
            return
        }
        var wanted: [String: (Binding, any WatchTrigger, Data)] = [:]
        for binding in bindings {
            guard let trigger = registry.triggers[binding.kind] as? any WatchTrigger else { continue }
            let fingerprint = JSONValue.object([
                "kind": .string(binding.kind), "config": binding.config,
                "workloads": .array(binding.workloads.map { .array([.string($0.name), .string($0.action), $0.filters]) }),
            ]).canonicalData()
            wanted[binding.id] = (binding, trigger, fingerprint)
        }
        running.withLock { running in
            for (id, entry) in running where wanted[id]?.2 != entry.fingerprint {
                entry.task.cancel()
                running[id] = nil
                logger.info("watch \(id): stopped")
            }
            for (id, (binding, trigger, fingerprint)) in wanted where running[id] == nil {
                running[id] = Running(fingerprint: fingerprint, task: Task(executorPreference: BlockingExecutor.shared) { await self.watch(binding, trigger) })
                logger.info("watch \(id) (\(binding.kind)): started")
            }
        }
    }

    /// Cancels every watcher and waits for them to end.
    public func stopAll() async {
        let tasks = running.withLock { running in
            defer { running.removeAll() }
            return running.values.map(\.task)
        }
        for task in tasks { task.cancel() }
        for task in tasks { await task.value }
    }

    /// Runs one watcher until cancelled; a watcher that throws is started again after a pause
    /// that doubles per failure (1 s … 15 min), and the error shows on the binding's status.
    private func watch(_ binding: Binding, _ trigger: any WatchTrigger) async {
        let context = EngineWatchContext(
            binding: binding, records: OwnedRecords(database: database, owner: OwnedRecords.binding(binding.id)), http: http,
            clock: clock, database: database, dispatcher: dispatcher, secrets: secrets, paths: paths,
            git: registry.git, logger: logger)
        var failures = 0
        while !Task.isCancelled {
            do {
                try await trigger.watch(context)
                return
            } catch is CancellationError {
                return
            } catch {
                failures += 1
                let pause = Backoff.delay(failures: failures, base: 1, cap: 900)
                logger.error("watch \(binding.id): \(error); again in \(Int(pause)) s")
                await context.reportStatus(.object([
                    "state": .string("failing"), "error": .string("\(error)"), "failures": .number(Double(failures)),
                    "retryAt": .string(ISO8601DateFormatter().string(from: clock.now.addingTimeInterval(pause))),
                ]))
                do { try await clock.sleep(until: clock.now.addingTimeInterval(pause)) } catch { return }
            }
        }
    }
}

/// Doubling back-off with a ceiling, shared by the supervisor's restarts.
enum Backoff {
    static func delay(failures: Int, base: Double, cap: Double) -> Double {
        min(cap, base * pow(2, Double(max(0, failures - 1))))
    }
}

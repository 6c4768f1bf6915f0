import FerryCore
import FerryEngine
import Foundation
import Synchronization

/// A `WatchContext` for watch-trigger unit tests: a virtual clock, records in memory (pass the
/// same `MemoryRecords` to a second context to simulate a restart), real HTTP and commands, and
/// every firing, record and status captured. `fire` treats a repeated delivery id as the
/// dispatcher does: a duplicate that starts nothing.
public final class TestWatchContext: WatchContext {
    public struct Recorded: Sendable {
        public var outcome: Event.Outcome
        public var summary: String
        public var reason: String
        public var payload: JSONValue
    }
    private struct State {
        var fired: [WatchFiring] = []
        var duplicates: [WatchFiring] = []
        var recorded: [Recorded] = []
        var statuses: [JSONValue] = []
        var deliveries: Set<String> = []
    }

    public let binding: Binding
    public let records: any RecordStore
    public let http: any HTTPFetcher
    public let clock: VirtualClock
    public let workloadEnv: [String: [String: String]]
    public let git: GitPolicy
    private let jobProvider: @Sendable ([String], Date) -> [WatchedJob]
    private let state = Mutex(State())

    public init(
        kind: String, config: JSONValue, targets: [Binding.Target] = [.init(name: "w", action: "deploy")], id: String = "b1",
        records: any RecordStore = MemoryRecords(), clock: VirtualClock, http: any HTTPFetcher = UpstreamHTTP(),
        env: [String: [String: String]] = [:], jobs: @escaping @Sendable ([String], Date) -> [WatchedJob] = { _, _ in [] },
        git: GitPolicy = PluginTestContext.testGitPolicy
    ) {
        self.git = git
        binding = Binding(id: id, kind: kind, config: config, workloads: targets, createdAt: clock.now)
        self.records = records
        self.clock = clock
        self.http = http
        workloadEnv = env
        jobProvider = jobs
    }

    public var fired: [WatchFiring] { state.withLock { $0.fired } }
    public var duplicates: [WatchFiring] { state.withLock { $0.duplicates } }
    public var recorded: [Recorded] { state.withLock { $0.recorded } }
    public var statuses: [JSONValue] { state.withLock { $0.statuses } }
    public var lastStatus: JSONValue? { statuses.last }

    public var now: Date { clock.now }
    public func sleep(until date: Date) async throws { try await clock.sleep(until: date) }

    public func env(of workload: String) throws -> [String: String] {
        guard let env = workloadEnv[workload] else { throw FerryError.notFound("workload", workload) }
        return env
    }

    public func fire(_ firing: WatchFiring) async throws -> WatchFireResult {
        let n = state.withLock { $0.fired.count + $0.duplicates.count + $0.recorded.count }
        let duplicate = state.withLock { s -> Bool in
            if let id = firing.deliveryID, s.deliveries.contains(id) {
                s.duplicates.append(firing)
                return true
            }
            if let id = firing.deliveryID { s.deliveries.insert(id) }
            s.fired.append(firing)
            return false
        }
        let event = Event(
            id: "e-\(n)", kind: binding.kind, summary: firing.summary, deliveryID: firing.deliveryID, bindingID: binding.id,
            receivedAt: now, outcome: duplicate ? .duplicate : .accepted, reason: firing.reason, causes: firing.causes, payload: firing.payload)
        return WatchFireResult(event: event, jobIDs: duplicate ? [] : ["j-\(n)"])
    }

    public func record(_ outcome: Event.Outcome, summary: String, reason: String, payload: JSONValue) async throws {
        state.withLock { $0.recorded.append(Recorded(outcome: outcome, summary: summary, reason: reason, payload: payload)) }
    }

    public func reportStatus(_ status: JSONValue) async { state.withLock { $0.statuses.append(status) } }

    public func run(_ arguments: [String], environment: [String: String]) async throws -> CommandOutput {
        try await CommandRunner(onLine: { _ in }).run(arguments, in: nil, environment: environment)
    }

    public func jobs(of workloads: [String], since: Date) async throws -> [WatchedJob] { jobProvider(workloads, since) }
}

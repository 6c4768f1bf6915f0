import FerryCore
import FerryStore
import Foundation
import Logging

/// The `WatchContext` of one running watcher: the binding's records, outbound HTTP, the clock,
/// and `fire`, which checks suspension and loops before anything reaches the dispatcher.
struct EngineWatchContext: WatchContext {
    let binding: Binding
    let records: any RecordStore
    let http: any HTTPFetcher
    let clock: any WatchClock
    let database: FerryDatabase
    let dispatcher: Dispatcher
    let secrets: SecretBox
    let paths: FerryPaths
    let git: GitPolicy
    let logger: Logger

    /// Where the status a watcher reports is kept, among the binding's records.
    static let statusCollection = "ferry.watch"
    static let statusKey = "status"

    var now: Date { clock.now }

    func sleep(until date: Date) async throws { try await clock.sleep(until: date) }

    func env(of workload: String) throws -> [String: String] {
        guard binding.workloads.contains(where: { $0.name == workload }),
            let stored = try database.workload(workload)
        else { throw FerryError.notFound("workload", workload) }
        return try secrets.openEnv(stored.spec).env
    }

    func fire(_ firing: WatchFiring) async throws -> WatchFireResult {
        // Read afresh: suspension is honoured at the moment of firing, without a restart.
        guard let current = try database.binding(binding.id) else { throw CancellationError() }
        var payload = firing.payload.objectValue ?? ["value": firing.payload]
        if current.suspend {
            return try dispatch(.ignored, firing, targets: [], reason: "binding \(current.id) is suspended; \(firing.reason)", payload: payload)
        }
        let wanted = current.workloads.filter { firing.workloads?.contains($0.name) ?? true }
        let causeEvents = try firing.causes.compactMap { try database.event($0) }
        var targets: [DispatchRequest.Target] = []
        var reasons: [String] = []
        var refused: [String] = []
        for target in wanted {
            guard let workload = try database.workload(target.name) else {
                reasons.append("\(target.name): no such workload")
                continue
            }
            if workload.spec.suspend {
                reasons.append("\(target.name): workload suspended")
                continue
            }
            if WatchLoopCheck.repeats(binding: current.id, workload: target.name, in: causeEvents) {
                refused.append(target.name)
                continue
            }
            targets.append(.init(workload: target.name, action: firing.action ?? target.action, params: firing.params, revision: firing.revision))
        }
        if !refused.isEmpty {
            let reason = "loop: the cause chain already holds an event of binding \(current.id) for \(refused.joined(separator: ", "))"
            logger.warning("watch \(current.id): refused, \(reason)")
            let result = try dispatch(.refused, firing, targets: [], reason: reason, payload: payload.merging(["workloads": .array(refused.map(JSONValue.string))]) { _, n in n })
            if targets.isEmpty && reasons.isEmpty { return result }
        }
        payload["workloads"] = .array(targets.map { .string($0.workload) })
        let outcome: Event.Outcome = targets.isEmpty ? .filtered : .accepted
        let reason = ([firing.reason] + reasons).joined(separator: "; ")
        do {
            return try dispatch(outcome, firing, targets: targets, reason: reason, payload: payload)
        } catch let error as FerryError {
            // An action or parameter the dispatcher rejects (a capture that fails the action's
            // schema) is a refusal people must see, not a silent stop.
            return try dispatch(.refused, firing, targets: [], reason: "cannot queue: \(error.message)", payload: payload)
        }
    }

    private func dispatch(
        _ outcome: Event.Outcome, _ firing: WatchFiring, targets: [DispatchRequest.Target], reason: String, payload: [String: JSONValue]
    ) throws -> WatchFireResult {
        // Only an accepted firing claims its delivery id: a version skipped while suspended
        // must still fire once the binding is resumed.
        let result = try dispatcher.dispatch(DispatchRequest(
            kind: binding.kind, summary: firing.summary, targets: targets, outcome: outcome, reason: reason,
            bindingID: binding.id, deliveryID: outcome == .accepted ? firing.deliveryID : nil, causes: firing.causes,
            payload: .object(payload)))
        return WatchFireResult(event: result.event, jobIDs: result.event.outcome == .accepted ? result.jobs.map(\.id) : [])
    }

    func record(_ outcome: Event.Outcome, summary: String, reason: String, payload: JSONValue) async throws {
        try dispatcher.dispatch(DispatchRequest(
            kind: binding.kind, summary: summary, targets: [], outcome: outcome, reason: reason, bindingID: binding.id, payload: payload))
    }

    func reportStatus(_ status: JSONValue) async {
        do {
            try records.put(Self.statusCollection, RecordWrite(key: Self.statusKey, value: status))
        } catch {
            logger.error("watch \(binding.id): cannot store status: \(error)")
        }
    }

    /// The same minimal environment as a job's commands (`CommandRunner`): no server secrets.
    func run(_ arguments: [String], environment: [String: String]) async throws -> CommandOutput {
        try await CommandRunner(onLine: { _ in }).run(arguments, in: nil, environment: environment)
    }

    func jobs(of workloads: [String], since: Date) async throws -> [WatchedJob] {
        var out: [WatchedJob] = []
        for name in workloads {
            for job in try database.jobs(workload: name, limit: 500) where job.createdAt >= since {
                var chain: [Event] = []
                if let id = job.eventID, let event = try database.event(id) {
                    chain = try event.causes.compactMap { try database.event($0) } + [event]
                }
                out.append(WatchedJob(
                    id: job.id, workload: job.workload, action: job.action, finished: job.state.isFinished, createdAt: job.createdAt,
                    bindingID: chain.last?.bindingID, causeBindings: chain.compactMap(\.bindingID), causes: chain.map(\.id),
                    logFile: paths.log(job.id)))
            }
        }
        return out.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
    }
}

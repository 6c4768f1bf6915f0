import FerryCore
import FerryStore
import Foundation

/// The one way work gets started. Triggers, API calls, the CLI, the reconciler and promotions
/// all describe what happened as a `DispatchRequest`; the dispatcher checks it, stores the event
/// and its jobs in one transaction, and wakes the job runner. Nothing runs a source action
/// any other way.
public struct Dispatcher: Sendable {
    let database: FerryDatabase
    let registry: PluginRegistry
    let now: @Sendable () -> Date
    let wake: @Sendable () -> Void
    /// Webhook deliveries' store: group commit off the concurrency pool.
    public let committer: DeliveryCommitter

    public init(database: FerryDatabase, registry: PluginRegistry, now: @escaping @Sendable () -> Date, wake: @escaping @Sendable () -> Void) {
        self.database = database
        self.committer = DeliveryCommitter(database: database)
        self.registry = registry
        self.now = now
        self.wake = wake
    }

    /// Stores the event first, then queues its jobs. Targets are checked before anything is
    /// stored: an unknown workload or action, or bad parameters, throws and stores nothing.
    @discardableResult
    public func dispatch(_ request: DispatchRequest) throws -> DispatchResult {
        let (event, jobs) = try prepare(request)
        // A sender's delivery is checked for duplicates inside the same transaction that stores it.
        let (final, stored) = Self.isDelivery(event)
            ? try database.recordDelivery(event, jobs: jobs, decide: JobCoalescer.decide)
            : (event, try database.recordEvent(event, jobs: jobs, decide: JobCoalescer.decide))
        if !stored.isEmpty { wake() }
        return DispatchResult(event: final, jobs: stored)
    }

    /// `dispatch` for webhook ingress: stored by group commit (`DeliveryCommitter`), so the
    /// caller suspends rather than holding a pool thread while it waits for the write, and a
    /// burst of deliveries shares one transaction.
    public func dispatchDelivery(_ request: DispatchRequest) async throws -> DispatchResult {
        let (event, jobs) = try prepare(request)
        let stored = try await committer.record(event, jobs: jobs, checkDuplicate: Self.isDelivery(event), decide: JobCoalescer.decide)
        if !stored.jobs.isEmpty { wake() }
        return DispatchResult(event: stored.event, jobs: stored.jobs)
    }

    private static func isDelivery(_ event: Event) -> Bool { event.deliveryID != nil && event.bindingID != nil }

    /// The event and its jobs, every target checked; nothing is stored yet.
    private func prepare(_ request: DispatchRequest) throws -> (Event, [Job]) {
        let at = now()
        var jobs: [Job] = []
        for target in request.targets {
            guard let workload = try database.workload(target.workload) else {
                throw FerryError.notFound("workload", target.workload)
            }
            let plugin = try registry.source(workload.spec.source.kind)
            guard let action = plugin.action(named: target.action) ?? Promotion.action(target.action) else {
                throw FerryError(
                    .notFound, "workload \(target.workload) (\(type(of: plugin).kind)) has no action \"\(target.action)\"; it has: \(plugin.actions.map(\.name).joined(separator: ", "))")
            }
            let params = try SchemaValidator().validated(target.params, against: action.params, at: "params")
            jobs.append(Job(
                id: IDs.make("j", at: at), workload: target.workload, action: target.action, params: params,
                revision: target.revision, attempt: target.attempt, createdAt: at))
        }
        let event = Event(
            id: IDs.make("e", at: at), kind: request.kind, summary: request.summary, deliveryID: request.deliveryID,
            bindingID: request.bindingID, receivedAt: at, outcome: request.outcome, reason: request.reason,
            causes: request.causes, payload: request.payload, by: Caller.current?.label)
        for i in jobs.indices { jobs[i].eventID = event.id }
        return (event, jobs)
    }
}

/// What happened, and what it should cause.
public struct DispatchRequest: Sendable {
    public struct Target: Sendable {
        public var workload: String
        public var action: String
        public var params: JSONValue
        public var revision: Revision?
        public var attempt: Int
        public init(workload: String, action: String, params: JSONValue = .object([:]), revision: Revision? = nil, attempt: Int = 1) {
            self.workload = workload
            self.action = action
            self.params = params
            self.revision = revision
            self.attempt = attempt
        }
    }

    public var kind: String
    public var summary: String
    public var targets: [Target]
    public var outcome: Event.Outcome
    public var reason: String?
    public var bindingID: String?
    public var deliveryID: String?
    public var causes: [String]
    public var payload: JSONValue

    public init(
        kind: String, summary: String, targets: [Target], outcome: Event.Outcome = .accepted, reason: String? = nil,
        bindingID: String? = nil, deliveryID: String? = nil, causes: [String] = [], payload: JSONValue = .object([:])
    ) {
        self.kind = kind
        self.summary = summary
        self.targets = targets
        self.outcome = outcome
        self.reason = reason
        self.bindingID = bindingID
        self.deliveryID = deliveryID
        self.causes = causes
        self.payload = payload
    }
}

public struct DispatchResult: Sendable {
    public var event: Event
    /// The jobs now queued for the event (merged ones included, with their existing ids).
    public var jobs: [Job]
}

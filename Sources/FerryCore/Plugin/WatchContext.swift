import Foundation

/// Everything a watch trigger may touch while it watches one binding. The engine builds one per
/// running watcher; tests hand in their own with a virtual clock.
public protocol WatchContext: Sendable {
    /// The binding as stored when this watcher started: its config and its targets.
    var binding: Binding { get }
    /// The binding's own records: cursors, seen versions, file offsets. Removed with the binding.
    var records: any RecordStore { get }
    /// Outbound HTTP, bounded by the engine.
    var http: any HTTPFetcher { get }
    /// The host's git policy, for watchers that run git (`registry-poll`'s git upstream).
    var git: GitPolicy { get }
    /// The current time on the watcher's clock (virtual in tests).
    var now: Date { get }
    /// Waits until `date` on the watcher's clock; throws `CancellationError` when the watcher stops.
    func sleep(until date: Date) async throws
    /// The env of a bound workload with secrets decrypted, for auth headers. Never log values.
    func env(of workload: String) throws -> [String: String]
    /// Stores an event and queues a job per bound workload through the dispatcher. The engine
    /// refuses what must not run and records why: a suspended binding (`ignored`), a suspended
    /// or missing workload (that target is left out; `filtered` when none remains), and a cause
    /// chain that already holds an event of this binding for the same workload (`refused`).
    @discardableResult
    func fire(_ firing: WatchFiring) async throws -> WatchFireResult
    /// Records an event that starts nothing (a skipped schedule slot, a refused match), with its reason.
    func record(_ outcome: Event.Outcome, summary: String, reason: String, payload: JSONValue) async throws
    /// Replaces the status the API shows for the binding (last check, last error, back-off).
    func reportStatus(_ status: JSONValue) async
    /// Runs a program (`git ls-remote`) and returns its output; a non-zero exit throws.
    func run(_ arguments: [String], environment: [String: String]) async throws -> CommandOutput
    /// Jobs of the given workloads created at or after `since`, oldest first, with the event
    /// chain that started each, so a log scanner can tell its own jobs apart.
    func jobs(of workloads: [String], since: Date) async throws -> [WatchedJob]
}

/// What a watcher saw that should start work.
public struct WatchFiring: Sendable {
    public var summary: String
    /// Why it fires, as people read it in `GET /api/events`.
    public var reason: String
    /// What the trigger saw (version, fire time, captures); stored with the event.
    public var payload: JSONValue
    /// A stable id for what was seen (`lodash@4.17.21`, a schedule slot): the same id twice from
    /// one binding is stored as a duplicate and starts nothing, even across restarts.
    public var deliveryID: String?
    /// Parameters for each job, merged over nothing (the action's schema checks them).
    public var params: JSONValue
    /// The exact revision the jobs must build, when the watcher saw one.
    public var revision: Revision?
    /// Events that led here (a job's event chain, for log-scan), oldest first.
    public var causes: [String]
    /// Runs this action instead of each target's own, when set (a log-scan rule's `action`).
    public var action: String?
    /// Limits the firing to these bound workloads; nil means all of them.
    public var workloads: [String]?

    public init(
        summary: String, reason: String, payload: JSONValue = .object([:]), deliveryID: String? = nil,
        params: JSONValue = .object([:]), revision: Revision? = nil, causes: [String] = [], action: String? = nil,
        workloads: [String]? = nil
    ) {
        self.summary = summary
        self.reason = reason
        self.payload = payload
        self.deliveryID = deliveryID
        self.params = params
        self.revision = revision
        self.causes = causes
        self.action = action
        self.workloads = workloads
    }
}

/// What became of a firing.
public struct WatchFireResult: Sendable, Equatable {
    public var event: Event
    /// Jobs queued or merged into, by id.
    public var jobIDs: [String]
    /// Whether at least one job was queued (false: suspended, refused, duplicate or all filtered).
    public var fired: Bool { !jobIDs.isEmpty }

    public init(event: Event, jobIDs: [String]) {
        self.event = event
        self.jobIDs = jobIDs
    }
}

/// A job as a log scanner sees it.
public struct WatchedJob: Sendable, Equatable {
    public var id: String
    public var workload: String
    public var action: String
    public var finished: Bool
    public var createdAt: Date
    /// The binding whose event started the job, if a trigger did.
    public var bindingID: String?
    /// Bindings of every event in the job's cause chain, its own event's included.
    public var causeBindings: [String]
    /// The job's event id followed back: its causes, then its own event, oldest first.
    public var causes: [String]
    /// The job's log file (`logs/<job-id>.log`); lines start with `HH:mm:ss.SSS `.
    public var logFile: URL

    public init(
        id: String, workload: String, action: String, finished: Bool, createdAt: Date, bindingID: String?,
        causeBindings: [String], causes: [String], logFile: URL
    ) {
        self.id = id
        self.workload = workload
        self.action = action
        self.finished = finished
        self.createdAt = createdAt
        self.bindingID = bindingID
        self.causeBindings = causeBindings
        self.causes = causes
        self.logFile = logFile
    }
}

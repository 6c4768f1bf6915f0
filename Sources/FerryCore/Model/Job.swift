import Foundation

/// One run of one action on one workload.
public struct Job: Codable, Sendable, Equatable {
    public var id: String
    public var workload: String
    public var action: String
    public var params: JSONValue
    /// The revision the job must build, fixed when it was enqueued (nil: resolve when it starts).
    public var revision: Revision?
    public var eventID: String?
    public var state: State
    /// Why it ended this way ("interrupted", "branch 'x' not found").
    public var message: String?
    /// 0…1, or nil while the source has not said.
    public var progress: Double?
    public var progressNote: String?
    public var attempt: Int
    public var createdAt: Date
    public var startedAt: Date?
    public var finishedAt: Date?
    /// The build a deploy produced, when it got that far.
    public var buildID: String?
    /// What a finished action reported beyond its message (the source's result summary).
    public var details: JSONValue?

    public enum State: String, Codable, Sendable {
        case queued, running, succeeded, failed, cancelled
        public var isFinished: Bool { self == .succeeded || self == .failed || self == .cancelled }
    }

    public init(
        id: String, workload: String, action: String, params: JSONValue = .object([:]), revision: Revision? = nil,
        eventID: String? = nil, state: State = .queued, message: String? = nil, progress: Double? = nil,
        progressNote: String? = nil, attempt: Int = 1, createdAt: Date, startedAt: Date? = nil,
        finishedAt: Date? = nil, buildID: String? = nil, details: JSONValue? = nil
    ) {
        self.id = id
        self.workload = workload
        self.action = action
        self.params = params
        self.revision = revision
        self.eventID = eventID
        self.state = state
        self.message = message
        self.progress = progress
        self.progressNote = progressNote
        self.attempt = attempt
        self.createdAt = createdAt
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.buildID = buildID
        self.details = details
    }
}

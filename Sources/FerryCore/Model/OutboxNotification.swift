import Foundation

/// One message to one target in the outbox: stored before it is sent, retried with back-off,
/// given up after a limit; `count` says how many like it were folded into it while it waited.
public struct OutboxNotification: Codable, Sendable, Equatable {
    public enum State: String, Codable, Sendable { case pending, sent, failed, digested }

    public var id: String
    public var target: String
    public var event: NotificationEvent
    public var workload: String?
    /// Notifications with the same target, event and key fold into one while pending.
    public var foldKey: String
    public var subject: String
    public var text: String
    public var count: Int
    public var state: State
    public var attempts: Int
    public var lastStatus: Int?
    public var lastError: String?
    public var nextAttemptAt: Date
    public var createdAt: Date
    public var updatedAt: Date
    public var sentAt: Date?
    /// For a `digested` one: the digest that carried it.
    public var digestID: String?

    public init(
        id: String, target: String, event: NotificationEvent, workload: String?, foldKey: String, subject: String, text: String,
        count: Int = 1, state: State = .pending, attempts: Int = 0, lastStatus: Int? = nil, lastError: String? = nil,
        nextAttemptAt: Date, createdAt: Date, updatedAt: Date, sentAt: Date? = nil, digestID: String? = nil
    ) {
        self.id = id
        self.target = target
        self.event = event
        self.workload = workload
        self.foldKey = foldKey
        self.subject = subject
        self.text = text
        self.count = count
        self.state = state
        self.attempts = attempts
        self.lastStatus = lastStatus
        self.lastError = lastError
        self.nextAttemptAt = nextAttemptAt
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.sentAt = sentAt
        self.digestID = digestID
    }
}

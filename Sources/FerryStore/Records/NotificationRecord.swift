import FerryCore
import Foundation
import GRDB

struct NotificationRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "notifications"
    enum Columns {
        static let id = Column(CodingKeys.id)
        static let target = Column(CodingKeys.target)
        static let event = Column(CodingKeys.event)
        static let foldKey = Column(CodingKeys.foldKey)
        static let state = Column(CodingKeys.state)
        static let nextAttemptAt = Column(CodingKeys.nextAttemptAt)
        static let createdAt = Column(CodingKeys.createdAt)
        static let sentAt = Column(CodingKeys.sentAt)
    }

    var id: String
    var target: String
    var event: String
    var workload: String?
    var foldKey: String
    var subject: String
    var text: String
    var count: Int
    var state: String
    var attempts: Int
    var lastStatus: Int?
    var lastError: String?
    var nextAttemptAt: Date
    var createdAt: Date
    var updatedAt: Date
    var sentAt: Date?
    var digestID: String?

    init(_ n: OutboxNotification) {
        id = n.id
        target = n.target
        event = n.event.rawValue
        workload = n.workload
        foldKey = n.foldKey
        subject = n.subject
        text = n.text
        count = n.count
        state = n.state.rawValue
        attempts = n.attempts
        lastStatus = n.lastStatus
        lastError = n.lastError
        nextAttemptAt = n.nextAttemptAt
        createdAt = n.createdAt
        updatedAt = n.updatedAt
        sentAt = n.sentAt
        digestID = n.digestID
    }

    func model() -> OutboxNotification {
        OutboxNotification(
            id: id, target: target, event: NotificationEvent(rawValue: event) ?? .digest, workload: workload, foldKey: foldKey,
            subject: subject, text: text, count: count, state: OutboxNotification.State(rawValue: state) ?? .failed, attempts: attempts,
            lastStatus: lastStatus, lastError: lastError, nextAttemptAt: nextAttemptAt, createdAt: createdAt, updatedAt: updatedAt,
            sentAt: sentAt, digestID: digestID)
    }
}

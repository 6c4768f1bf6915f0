import FerryCore
import Foundation
import GRDB

extension FerryDatabase {
    /// Puts a notification in the outbox, or folds it into a pending one with the same target,
    /// event and key (its count grows, its text becomes the newest): a flood of the same failure
    /// stays one message. Returns the stored row.
    @discardableResult
    public func enqueueNotification(_ notification: OutboxNotification) throws -> OutboxNotification {
        try write { db in
            if var pending = try NotificationRecord
                .filter(NotificationRecord.Columns.target == notification.target && NotificationRecord.Columns.event == notification.event.rawValue
                    && NotificationRecord.Columns.foldKey == notification.foldKey && NotificationRecord.Columns.state == OutboxNotification.State.pending.rawValue)
                .fetchOne(db)
            {
                pending.count += 1
                pending.text = notification.text
                pending.subject = notification.subject
                pending.updatedAt = notification.updatedAt
                try pending.update(db)
                return pending.model()
            }
            try NotificationRecord(notification).insert(db)
            return notification
        }
    }

    /// Pending notifications whose next attempt is due, oldest first.
    public func dueNotifications(now: Date, limit: Int = 100) throws -> [OutboxNotification] {
        try read { db in
            try NotificationRecord
                .filter(NotificationRecord.Columns.state == OutboxNotification.State.pending.rawValue && NotificationRecord.Columns.nextAttemptAt <= now)
                .order(NotificationRecord.Columns.createdAt, NotificationRecord.Columns.id).limit(limit).fetchAll(db).map { $0.model() }
        }
    }

    /// How many messages went to `target` since `since` (its rate-limit window).
    public func notificationsSent(to target: String, since: Date) throws -> Int {
        try read { db in
            try NotificationRecord.filter(NotificationRecord.Columns.target == target && NotificationRecord.Columns.sentAt >= since).fetchCount(db)
        }
    }

    public func updateNotification(_ id: String, _ change: @escaping @Sendable (inout OutboxNotification) -> Void) throws {
        try write { db in
            guard let record = try NotificationRecord.fetchOne(db, key: id) else { return }
            var model = record.model()
            change(&model)
            try NotificationRecord(model).update(db)
        }
    }

    /// Replaces `folded` with `digest` in one transaction: the digest is pending, they point at it.
    public func digestNotifications(_ folded: [String], into digest: OutboxNotification) throws {
        try write { db in
            try NotificationRecord(digest).insert(db)
            _ = try NotificationRecord.filter(folded.contains(NotificationRecord.Columns.id)).updateAll(
                db, Column("state").set(to: OutboxNotification.State.digested.rawValue), Column("digestID").set(to: digest.id))
        }
    }

    /// Newest first, for `GET /api/notifications` and the UI.
    public func notifications(limit: Int = 100) throws -> [OutboxNotification] {
        try read { db in
            try NotificationRecord.order(NotificationRecord.Columns.createdAt.desc, NotificationRecord.Columns.id.desc).limit(limit).fetchAll(db).map { $0.model() }
        }
    }
}

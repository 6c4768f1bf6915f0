import FerryCore
import Foundation
import GRDB

extension FerryDatabase {
    public func event(_ id: String) throws -> Event? {
        try read { db in try EventRecord.fetchOne(db, key: id)?.model() }
    }

    /// The first trusted event with this delivery id from this binding: a re-delivery of it is a
    /// duplicate. Refused deliveries (bad signature) don't count, so a corrected retry goes through.
    public func event(bindingID: String, deliveryID: String) throws -> Event? {
        try read { db in try Self.trustedDelivery(db, bindingID: bindingID, deliveryID: deliveryID) }
    }

    static func trustedDelivery(_ db: Database, bindingID: String, deliveryID: String) throws -> Event? {
        // Asked once per delivery inside the group commit: a cached statement, compiled once.
        let trusted = [Event.Outcome.accepted, .filtered, .ignored, .stale].map { "'\($0.rawValue)'" }.joined(separator: ", ")
        let statement = try db.cachedStatement(sql: """
            SELECT * FROM events WHERE bindingID = ? AND deliveryID = ? AND outcome IN (\(trusted)) ORDER BY receivedAt LIMIT 1
            """)
        return try EventRecord.fetchOne(statement, arguments: [bindingID, deliveryID])?.model()
    }

    /// Newest first, optionally only one outcome, kind or caller (`by`).
    public func events(outcome: Event.Outcome? = nil, kind: String? = nil, by: String? = nil, limit: Int = 100) throws -> [Event] {
        try read { db in
            var request = EventRecord.all()
            if let by { request = request.filter(EventRecord.Columns.by == by) }
            if let outcome { request = request.filter(EventRecord.Columns.outcome == outcome.rawValue) }
            if let kind { request = request.filter(EventRecord.Columns.kind == kind) }
            return try request.order(EventRecord.Columns.receivedAt.desc).limit(limit).fetchAll(db).map { try $0.model() }
        }
    }

    /// Stores an event that queues nothing: what a request changed, or an authentication refused.
    public func record(_ event: Event) throws {
        try write { db in try EventRecord(event).insert(db) }
    }
}

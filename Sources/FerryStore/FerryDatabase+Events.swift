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
        try EventRecord
            .filter(EventRecord.Columns.bindingID == bindingID && EventRecord.Columns.deliveryID == deliveryID
                && [Event.Outcome.accepted, .filtered, .ignored, .stale].map(\.rawValue).contains(EventRecord.Columns.outcome))
            .order(EventRecord.Columns.receivedAt).fetchOne(db)?.model()
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

import FerryCore
import Foundation
import GRDB

struct EventRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "events"
    enum Columns {
        static let receivedAt = Column(CodingKeys.receivedAt)
        static let bindingID = Column(CodingKeys.bindingID)
        static let deliveryID = Column(CodingKeys.deliveryID)
        static let outcome = Column(CodingKeys.outcome)
        static let kind = Column(CodingKeys.kind)
        static let by = Column(CodingKeys.by)
    }

    var id: String
    var kind: String
    var summary: String
    var deliveryID: String?
    var bindingID: String?
    var receivedAt: Date
    var outcome: String
    var reason: String?
    var causes: String
    var payload: String
    var by: String?

    init(_ e: Event) {
        id = e.id
        kind = e.kind
        summary = e.summary
        deliveryID = e.deliveryID
        bindingID = e.bindingID
        receivedAt = e.receivedAt
        outcome = e.outcome.rawValue
        reason = e.reason
        causes = JSONColumn.encode(e.causes)
        payload = JSONColumn.encode(e.payload)
        by = e.by
    }

    func model() throws -> Event {
        Event(
            id: id, kind: kind, summary: summary, deliveryID: deliveryID, bindingID: bindingID, receivedAt: receivedAt,
            outcome: Event.Outcome(rawValue: outcome) ?? .accepted, reason: reason,
            causes: try JSONColumn.decode([String].self, causes), payload: try JSONColumn.decode(JSONValue.self, payload), by: by)
    }
}

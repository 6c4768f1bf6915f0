import FerryCore
import FerryEngine
import Foundation

/// `/events`: every delivery and firing with its outcome and reason, filtered by outcome and
/// kind through a plain GET form.
struct EventsPage {
    let ui: UIContext
    let lang: String

    static let outcomes: [Event.Outcome] = [.accepted, .duplicate, .ignored, .refused, .filtered, .stale]

    static func row(_ e: Event, catalog: Catalog, lang: String) -> [String: Any] {
        [
            "id": e.id, "kind": e.kind, "summary": e.summary, "outcome": e.outcome.rawValue,
            "outcomeLabel": catalog.text("outcome.\(e.outcome.rawValue)", lang),
            "reason": e.reason ?? "", "binding": e.bindingID ?? "", "delivery": e.deliveryID ?? "",
            "at": UIFormat.time(e.receivedAt), "causes": e.causes.joined(separator: " → "),
        ]
    }

    func model(outcome: String?, kind: String?) throws -> [String: Any] {
        let catalog = ui.renderer.catalog
        let chosen = outcome.flatMap(Event.Outcome.init(rawValue:))
        let kindFilter = kind.flatMap { $0.isEmpty ? nil : $0 }
        let events = try ui.engine.database.events(outcome: chosen, kind: kindFilter, limit: 500)
        var kinds = Set(ui.engine.registry.triggers.keys).union(["manual", "reconciler", "recovery", "follow-up"])
        if let kindFilter { kinds.insert(kindFilter) }
        let notifications = try ui.engine.database.notifications(limit: 50).map { n -> [String: Any] in
            [
                "id": n.id, "target": n.target, "event": n.event.rawValue, "workload": n.workload ?? "", "text": n.text, "count": n.count,
                "state": n.state.rawValue, "attempts": n.attempts, "status": n.lastStatus.map(String.init) ?? "", "error": n.lastError ?? "",
                "at": UIFormat.time(n.createdAt),
            ]
        }
        return [
            "title": catalog.text("events.title", lang),
            "events": events.map { Self.row($0, catalog: catalog, lang: lang) }, "hasEvents": !events.isEmpty,
            "outcomes": Self.outcomes.map { o in
                ["value": o.rawValue, "label": catalog.text("outcome.\(o.rawValue)", lang), "selected": o == chosen] as [String: Any]
            },
            "kinds": kinds.sorted().map { k in ["value": k, "selected": k == kindFilter] as [String: Any] },
            "notifications": notifications, "hasNotifications": !notifications.isEmpty,
        ]
    }
}

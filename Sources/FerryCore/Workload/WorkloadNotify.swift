/// A workload's own say over notifications (`notify:` in its file): which of the server's
/// targets hear about it, which events, or none at all, so a noisy preview stage can be muted
/// without touching the server config.
public struct WorkloadNotify: Codable, Sendable, Equatable {
    /// Only these targets (by name); nil: every target that wants the workload.
    public var targets: [String]?
    /// Only these events for this workload, instead of each target's own list.
    public var events: [NotificationEvent]?
    public var mute: Bool

    public init(targets: [String]? = nil, events: [NotificationEvent]? = nil, mute: Bool = false) {
        self.targets = targets
        self.events = events
        self.mute = mute
    }

    /// Reads and checks `notify:`; errors name the field.
    public static func read(_ value: JSONValue?, at field: String) throws -> WorkloadNotify? {
        guard let value, value != .null else { return nil }
        guard case .object(let members) = value else { throw FerryError.invalid(field, "expected a mapping with targets, events or mute") }
        for key in members.keys.sorted() where !["targets", "events", "mute"].contains(key) { throw FerryError.invalid("\(field).\(key)", "unknown field") }
        var notify = WorkloadNotify()
        if let targets = members["targets"] {
            guard case .array(let list) = targets, list.allSatisfy({ $0.stringValue != nil }) else { throw FerryError.invalid("\(field).targets", "expected a list of target names") }
            notify.targets = list.compactMap(\.stringValue)
        }
        if let events = members["events"] {
            guard case .array(let list) = events else { throw FerryError.invalid("\(field).events", "expected a list of events") }
            var chosen: [NotificationEvent] = []
            for (i, entry) in list.enumerated() {
                guard let name = entry.stringValue, let event = NotificationEvent(rawValue: name), event != .digest else {
                    let known = NotificationEvent.allCases.filter { $0 != .digest }.map(\.rawValue).joined(separator: ", ")
                    throw FerryError.invalid("\(field).events.\(i)", "\(entry.plainText) is not one of \(known)")
                }
                chosen.append(event)
            }
            notify.events = chosen
        }
        switch members["mute"] {
        case nil, .null?: break
        case .bool(let on)?: notify.mute = on
        default: throw FerryError.invalid("\(field).mute", "expected true or false")
        }
        return notify
    }
}

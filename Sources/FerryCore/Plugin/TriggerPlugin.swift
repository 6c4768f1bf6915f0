/// A kind of trigger: something that produces events for the dispatcher.
///
/// `manual` is fired by people (API, CLI, UI); ingress triggers turn inbound HTTP requests into
/// events; watch triggers run one long-lived task per binding. Whatever the mode, events only
/// ever reach jobs through the dispatcher.
public protocol TriggerPlugin: Sendable {
    /// Stable kind name (`git-push`); the plugin id is `trigger.<kind>`.
    static var kind: String { get }
    static var mode: TriggerMode { get }
    /// Schema of the binding's config.
    var schema: ConfigSchema { get }
}

extension TriggerPlugin {
    public var id: String { "trigger.\(Self.kind)" }
}

public enum TriggerMode: String, Sendable, Encodable {
    case manual, ingress, watch
}

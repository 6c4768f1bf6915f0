/// A trigger fed by inbound HTTP requests (`POST /hooks/{binding-id}`): git-push webhooks.
///
/// Lifecycle per request, driven by the server: the body is read (bounded) → `receive` checks
/// the signature against the binding's secret and parses the delivery → the engine stores the
/// event (whatever the verdict) → for each of the binding's workloads, `matches` applies that
/// target's filters → the dispatcher queues the jobs. The plugin does no I/O.
public protocol IngressTrigger: TriggerPlugin {
    /// Schema of one target's `filters` (branches, tags, paths for git-push).
    var filterSchema: ConfigSchema { get }

    /// Verifies and parses one delivery. `secret` is the binding's secret, decrypted, or nil
    /// when the binding has none; the engine passes nil only for a binding whose config says
    /// `insecure: true` and refuses every other delivery to a binding without a secret.
    func receive(_ request: IngressRequest, secret: String?) -> IngressVerdict

    /// Whether a parsed delivery concerns one target, and why not when it does not.
    func matches(_ delivery: IngressDelivery, filters: JSONValue) -> FilterDecision
}

/// An inbound request, in plain terms so plugins need no HTTP library.
public struct IngressRequest: Sendable {
    /// Header names in lower case.
    public var headers: [String: String]
    public var body: [UInt8]
    public init(headers: [String: String], body: [UInt8]) {
        self.headers = headers
        self.body = body
    }
}

/// What a delivery said, once verified.
public struct IngressDelivery: Sendable, Equatable {
    /// The sender (`github`, `gitea`, `forgejo`, `gitlab`).
    public var sender: String
    /// The sender's event name (`push`, `Tag Push Hook`, `ping`).
    public var event: String
    /// The sender's delivery id, for duplicate detection.
    public var deliveryID: String?
    public var summary: String
    /// What jobs need: `branch` or `tag`, `commit`, `pusher`, `paths`, `repository`.
    public var payload: JSONValue
    /// The exact commit to build, when the delivery names one.
    public var commit: String?

    public init(sender: String, event: String, deliveryID: String?, summary: String, payload: JSONValue, commit: String?) {
        self.sender = sender
        self.event = event
        self.deliveryID = deliveryID
        self.summary = summary
        self.payload = payload
        self.commit = commit
    }
}

/// The plugin's verdict on one request. Every verdict is recorded as an event.
public enum IngressVerdict: Sendable, Equatable {
    /// Verified, and it may start jobs (subject to each target's filters).
    case accepted(IngressDelivery)
    /// Verified, but nothing to do (a ping, a branch deletion, an event kind Ferry does not act
    /// on); answered 200/202 with the reason, never an error.
    case ignored(IngressDelivery, reason: String)
    /// Not trusted: missing or wrong signature/token. Answered 401; no job.
    case refused(sender: String?, deliveryID: String?, reason: String)
    /// Not understood: a body that does not parse. Answered 400; no job.
    case malformed(sender: String?, deliveryID: String?, reason: String)
}

/// A filter's verdict for one target.
public struct FilterDecision: Sendable, Equatable {
    public var matches: Bool
    public var reason: String
    public init(matches: Bool, reason: String) {
        self.matches = matches
        self.reason = reason
    }
}

import Foundation

/// Something a trigger, a person or the controller itself reported. Stored before anything acts
/// on it, so a crash after the acknowledgement loses nothing.
public struct Event: Codable, Sendable, Equatable {
    public var id: String
    /// The trigger kind that produced it (`manual`, `git-push`, `reconciler`, …).
    public var kind: String
    public var summary: String
    /// The sender's delivery id (webhooks); a second delivery with the same id is a duplicate.
    public var deliveryID: String?
    public var bindingID: String?
    public var receivedAt: Date
    /// accepted, duplicate, ignored, refused, filtered, stale.
    public var outcome: Outcome
    public var reason: String?
    /// Ids of the events that led to this one, oldest first: how loops are detected.
    public var causes: [String]
    /// Free-form details the trigger parsed (commit, branch, pusher, changed paths, params).
    public var payload: JSONValue
    /// Who caused it when a person or a token did (`token:ci`, `user:alice`); nil for triggers
    /// and the controller itself.
    public var by: String?

    public enum Outcome: String, Codable, Sendable {
        case accepted, duplicate, ignored, refused, filtered
        /// Verified, but its commit is behind what is live (or was replaced on its branch):
        /// an old signed body sent again must not roll the workload back. Nothing is queued.
        case stale
    }

    public init(
        id: String, kind: String, summary: String, deliveryID: String? = nil, bindingID: String? = nil,
        receivedAt: Date, outcome: Outcome = .accepted, reason: String? = nil, causes: [String] = [],
        payload: JSONValue = .object([:]), by: String? = nil
    ) {
        self.id = id
        self.kind = kind
        self.summary = summary
        self.deliveryID = deliveryID
        self.bindingID = bindingID
        self.receivedAt = receivedAt
        self.outcome = outcome
        self.reason = reason
        self.causes = causes
        self.payload = payload
        self.by = by
    }
}

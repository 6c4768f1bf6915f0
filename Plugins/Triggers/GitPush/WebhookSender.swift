/// The forge that sent a webhook, told apart by its event header.
///
/// Detection order matters: Gitea and Forgejo also send GitHub's headers (`X-GitHub-Event`,
/// `X-Hub-Signature-256`) for compatibility, so they are checked first; otherwise a Gitea
/// delivery would be verified against the wrong header. Forgejo, a Gitea fork, also sends
/// Gitea's headers, so it is checked before Gitea to be named rightly. GitLab shares none.
public enum WebhookSender: String, Sendable, CaseIterable {
    case gitea, forgejo, github, gitlab

    /// The order in which `detect` tries the senders.
    public static let detectionOrder: [WebhookSender] = [.forgejo, .gitea, .github, .gitlab]

    /// The lower-case header that names the event, and whose presence identifies the sender.
    public var eventHeader: String {
        switch self {
        case .gitea: "x-gitea-event"
        case .forgejo: "x-forgejo-event"
        case .github: "x-github-event"
        case .gitlab: "x-gitlab-event"
        }
    }

    /// The lower-case header carrying the signature (or, for GitLab, the plain token).
    public var signatureHeader: String {
        switch self {
        case .gitea: "x-gitea-signature"
        case .forgejo: "x-forgejo-signature"
        case .github: "x-hub-signature-256"
        case .gitlab: "x-gitlab-token"
        }
    }

    /// The signature header as the sender's documentation spells it, for reasons people read.
    public var signatureHeaderDisplayName: String {
        switch self {
        case .gitea: "X-Gitea-Signature"
        case .forgejo: "X-Forgejo-Signature"
        case .github: "X-Hub-Signature-256"
        case .gitlab: "X-Gitlab-Token"
        }
    }

    /// GitHub, Gitea and Forgejo share GitHub's push body; GitLab has its own.
    public var sendsGitHubStylePayload: Bool { self != .gitlab }

    /// The sender and its event name, or nil when no known event header is present.
    public static func detect(_ headers: HeaderLookup) -> (sender: WebhookSender, event: String)? {
        for sender in detectionOrder {
            if let event = headers[sender.eventHeader] { return (sender, event) }
        }
        return nil
    }

    /// The id the sender keeps across retries of one delivery, for duplicate detection.
    ///
    /// GitLab's `Idempotency-Key` is stable across retries; `X-Gitlab-Webhook-UUID` is the
    /// fallback. `X-Gitlab-Event-UUID` identifies the underlying event, which several hooks
    /// share, so using it would wrongly drop other hooks' deliveries as duplicates.
    public func deliveryID(in headers: HeaderLookup) -> String? {
        switch self {
        case .github: headers["x-github-delivery"]
        case .gitea: headers["x-gitea-delivery"]
        case .forgejo: headers["x-forgejo-delivery"]
        case .gitlab: headers["idempotency-key"] ?? headers["x-gitlab-webhook-uuid"]
        }
    }
}

/// Case-insensitive, whitespace-trimming header access; empty values count as absent.
///
/// `IngressRequest` promises lower-case names, but a missed lower-casing upstream must not turn
/// a signed request into an unsigned-looking one, so a case-insensitive scan is the fallback.
public struct HeaderLookup: Sendable {
    private let headers: [String: String]

    public init(_ headers: [String: String]) { self.headers = headers }

    public subscript(name: String) -> String? {
        let key = name.lowercased()
        let raw = headers[key] ?? headers.first { $0.key.lowercased() == key }?.value
        guard let value = raw?.trimmingWhitespace(), !value.isEmpty else { return nil }
        return value
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}

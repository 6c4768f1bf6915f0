import FerryCore

/// Webhook ingress for pushes from GitHub, Gitea, Forgejo and GitLab (`POST /hooks/{binding-id}`).
///
/// `receive` detects the sender by header, verifies the signature against the binding's
/// secret, and turns a push into an `IngressDelivery` naming the exact commit to build; pings,
/// deletions and events Ferry does not act on become `.ignored` with a reason, never an error.
/// `matches` then applies each target's branch/tag/path globs. No I/O, no state: the server
/// stores every verdict and the dispatcher queues the jobs.
public struct GitPushTrigger: IngressTrigger {
    public static let kind = "git-push"
    public static let mode = TriggerMode.ingress

    public let schema = ConfigSchema.object(
        [
            .init("secret", .string("shared secret: HMAC key for GitHub/Gitea/Forgejo, token for GitLab; generated at apply when unset", format: .secret)),
            .init("insecure", .boolean("accept unsigned deliveries when there is no secret; anyone who finds the hook URL can then trigger it")),
            .init("branches", .array(.string(), "default branch globs for this binding's targets, e.g. main, release/*")),
            .init("tags", .array(.string(), "default tag globs; a tag push starts jobs only where tags are set")),
            .init("paths", .array(.string(), "default path globs, e.g. public/**, *.md; a push touching none starts nothing")),
        ],
        "A push webhook from GitHub, Gitea, Forgejo or GitLab; point the forge at this binding's hook URL.")

    public let filterSchema = ConfigSchema.object(
        [
            .init("branches", .array(.string(), "branch globs, e.g. main, release/*; unset = every branch")),
            .init("tags", .array(.string(), "tag globs, e.g. v*; a tag push matches only if this is set")),
            .init("paths", .array(.string(), "path globs, e.g. public/**, *.md; unset = any change")),
        ],
        "Which pushes start this target's action.")

    public init() {}

    public func receive(_ request: IngressRequest, secret: String?) -> IngressVerdict {
        let headers = HeaderLookup(request.headers)
        guard let (sender, event) = WebhookSender.detect(headers) else {
            return .malformed(
                sender: nil, deliveryID: nil,
                reason: "no known webhook event header (X-GitHub-Event, X-Gitea-Event, X-Forgejo-Event, X-Gitlab-Event)")
        }
        let deliveryID = sender.deliveryID(in: headers)
        if let secret, !secret.isEmpty {
            switch SignatureCheck.verify(sender: sender, headers: headers, body: request.body, secret: secret) {
            case .valid: break
            case .missing(let header):
                return .refused(sender: sender.rawValue, deliveryID: deliveryID, reason: "missing \(header)")
            case .mismatch:
                let what = sender == .gitlab ? "token" : "signature"
                return .refused(sender: sender.rawValue, deliveryID: deliveryID, reason: "\(what) does not match")
            }
        }
        let note = Note(sender: sender, event: event, deliveryID: deliveryID)
        guard let kind = note.pushKind(request.body) else {
            if sender.sendsGitHubStylePayload, event == "ping" {
                return .ignored(note.delivery("ping from \(sender.rawValue)"), reason: "ping")
            }
            return .ignored(note.delivery("\(sender.rawValue) event \"\(event)\""), reason: "event \"\(event)\" is not acted on")
        }
        do throws(PushParseError) {
            let push = try PushParser.parse(try PushParser.json(request.body), sender: sender)
            return note.verdict(push)
        } catch {
            switch error {
            case .unsupportedRef(let ref):
                return .ignored(note.delivery("push to \(ref)"), reason: "ref \(ref) is neither a branch nor a tag")
            case .malformed(let reason):
                return .malformed(sender: sender.rawValue, deliveryID: deliveryID, reason: "\(kind): \(reason)")
            }
        }
    }

    public func matches(_ delivery: IngressDelivery, filters: JSONValue) -> FilterDecision {
        do {
            return try PushFilter(filters).decide(delivery.payload)
        } catch {
            return FilterDecision(matches: false, reason: "invalid filters: \(error.message)")
        }
    }
}

/// What is known about a delivery before its body is read, and how verdicts are built from it.
private struct Note {
    let sender: WebhookSender
    let event: String
    let deliveryID: String?

    /// The event name when this delivery is a push Ferry acts on, nil otherwise. GitLab system
    /// hooks carry their kind in the body, so an unreadable one counts as a push (and is then
    /// reported malformed) rather than silently ignored.
    func pushKind(_ body: [UInt8]) -> String? {
        if sender.sendsGitHubStylePayload { return event == "push" ? event : nil }
        switch event {
        case "Push Hook", "Tag Push Hook": return event
        case "System Hook":
            guard let json = try? PushParser.json(body) else { return event }
            let kind = json["object_kind"]?.stringValue ?? json["event_name"]?.stringValue
            return kind == "push" || kind == "tag_push" ? event : nil
        default: return nil
        }
    }

    func delivery(_ summary: String, payload: [String: JSONValue] = [:], commit: String? = nil) -> IngressDelivery {
        var members = payload
        members["sender"] = .string(sender.rawValue)
        members["event"] = .string(event)
        return IngressDelivery(
            sender: sender.rawValue, event: event, deliveryID: deliveryID, summary: summary,
            payload: .object(members), commit: commit)
    }

    func verdict(_ push: PushEvent) -> IngressVerdict {
        func text(_ s: String?) -> JSONValue { s.map(JSONValue.string) ?? .null }
        let (refKind, name): (String, String)
        switch push.ref {
        case .branch(let b): (refKind, name) = ("branch", b)
        case .tag(let t): (refKind, name) = ("tag", t)
        }
        let payload: [String: JSONValue] = [
            refKind: .string(name), "ref": .string(push.fullRef), "commit": text(push.after),
            "before": text(push.before), "pusher": text(push.pusher),
            "paths": push.paths.map { .array($0.map(JSONValue.string)) } ?? .null,
            "repository": text(push.repository), "clone_url": text(push.cloneURL),
            "forced": .bool(push.forced), "commit_timestamp": text(push.commitTimestamp),
        ]
        let by = push.pusher.map { " by \($0)" } ?? ""
        if push.deleted {
            return .ignored(delivery("\(refKind) \(name) deleted\(by)", payload: payload), reason: "\(refKind) \(name) was deleted")
        }
        var summary = refKind == "branch" ? "push to \(name)\(by)" : "tag \(name) pushed\(by)"
        var details: [String] = []
        if let paths = push.paths { details.append(paths.count == 1 ? "1 file" : "\(paths.count) files") }
        if let after = push.after { details.append(String(after.prefix(7))) }
        if !details.isEmpty { summary += ": " + details.joined(separator: ", ") }
        return .accepted(delivery(summary, payload: payload, commit: push.after))
    }
}

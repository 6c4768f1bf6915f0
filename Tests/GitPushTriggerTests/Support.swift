import Crypto
import FerryCore
import Foundation
import GitPushTrigger
import Testing

/// Fixture bodies and requests signed the way each forge signs them. Signing uses Crypto
/// directly, not `SignatureCheck`, so a bug there cannot cancel itself out.
enum Hook {
    static let secret = "s3cr3t-binding-key"

    static func fixture(_ path: String) throws -> [UInt8] {
        let root = try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
        return Array(try Data(contentsOf: root.appendingPathComponent(path)))
    }

    static func hmacHex(_ body: [UInt8], secret: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Array(secret.utf8)))
        return mac.map { String(format: "%02x", $0) }.joined()
    }

    static func github(_ event: String, _ body: [UInt8], secret: String? = Hook.secret) -> IngressRequest {
        var h = ["x-github-event": event, "x-github-delivery": "gh-1", "content-type": "application/json"]
        if let secret { h["x-hub-signature-256"] = "sha256=" + hmacHex(body, secret: secret) }
        return IngressRequest(headers: h, body: body)
    }

    /// Gitea sends its own headers and, for compatibility, GitHub's and Gogs' too.
    static func gitea(_ event: String, _ body: [UInt8], secret: String? = Hook.secret) -> IngressRequest {
        var h = [
            "x-gitea-event": event, "x-gitea-delivery": "gitea-1",
            "x-github-event": event, "x-github-delivery": "gitea-1", "x-gogs-event": event,
        ]
        if let secret {
            let sig = hmacHex(body, secret: secret)
            h["x-gitea-signature"] = sig
            h["x-gogs-signature"] = sig
            h["x-hub-signature-256"] = "sha256=" + sig
        }
        return IngressRequest(headers: h, body: body)
    }

    static func forgejo(_ event: String, _ body: [UInt8], secret: String? = Hook.secret) -> IngressRequest {
        var h = ["x-forgejo-event": event, "x-forgejo-delivery": "fj-1", "x-github-event": event]
        if let secret { h["x-forgejo-signature"] = hmacHex(body, secret: secret) }
        return IngressRequest(headers: h, body: body)
    }

    static func gitlab(_ event: String, _ body: [UInt8], token: String? = Hook.secret, extra: [String: String] = [:]) -> IngressRequest {
        var h = ["x-gitlab-event": event, "idempotency-key": "gl-1", "x-gitlab-event-uuid": "event-uuid"]
        if let token { h["x-gitlab-token"] = token }
        h.merge(extra) { _, new in new }
        return IngressRequest(headers: h, body: body)
    }
}

extension IngressVerdict {
    var accepted: IngressDelivery? {
        if case .accepted(let d) = self { return d }
        return nil
    }

    var ignored: (delivery: IngressDelivery, reason: String)? {
        if case .ignored(let d, let reason) = self { return (d, reason) }
        return nil
    }

    var refusal: (sender: String?, deliveryID: String?, reason: String)? {
        if case .refused(let s, let id, let reason) = self { return (s, id, reason) }
        return nil
    }

    var malformedReason: String? {
        if case .malformed(_, _, let reason) = self { return reason }
        return nil
    }
}

extension IngressDelivery {
    var paths: [String]? {
        guard case .array(let list)? = payload["paths"] else { return nil }
        return list.compactMap(\.stringValue)
    }
}

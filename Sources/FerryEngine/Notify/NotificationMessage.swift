import Crypto
import FerryCore
import Foundation

/// A notification as its target's kind wants it on the wire: Discord's `content`, Slack's `text`,
/// or a generic JSON body signed like Standard Webhooks (HMAC-SHA256 over `id.timestamp.body`,
/// so a receiver can check who sent it and refuse replays of old timestamps).
struct NotificationMessage {
    let target: NotificationSettings.Target
    let notification: OutboxNotification
    let at: Date

    var text: String {
        notification.count > 1 ? "\(notification.text) (×\(notification.count) since \(Self.time(notification.createdAt)))" : notification.text
    }

    func request(timeout: Duration) -> FetchRequest {
        let body: JSONValue = switch target.kind {
        case .discord: .object(["content": .string(String(text.prefix(1900)))])
        case .slack: .object(["text": .string(text)])
        case .webhook: .object([
            "type": .string(notification.event.rawValue), "id": .string(notification.id), "workload": notification.workload.map(JSONValue.string) ?? .null,
            "subject": .string(notification.subject), "text": .string(text), "count": .number(Double(notification.count)),
            "timestamp": .string(Self.time(at)),
        ])
        }
        let bytes = Array(body.canonicalData())
        var headers = ["Content-Type": "application/json", "User-Agent": "Ferry notifications"]
        if target.kind == .webhook {
            let timestamp = String(Int(at.timeIntervalSince1970))
            headers["webhook-id"] = notification.id
            headers["webhook-timestamp"] = timestamp
            if let secret = target.secret {
                headers["webhook-signature"] = "v1," + Self.signature(id: notification.id, timestamp: timestamp, body: bytes, secret: secret)
            }
        }
        return FetchRequest(url: target.url, method: "POST", headers: headers, body: bytes, timeout: timeout, maxBytes: 64 << 10)
    }

    /// Standard Webhooks: base64(HMAC-SHA256(key, "{id}.{timestamp}.{body}")); a `whsec_` secret's
    /// key is the base64 after the prefix.
    static func signature(id: String, timestamp: String, body: [UInt8], secret: String) -> String {
        let key: SymmetricKey
        if secret.hasPrefix("whsec_"), let decoded = Data(base64Encoded: String(secret.dropFirst("whsec_".count))) {
            key = SymmetricKey(data: decoded)
        } else {
            key = SymmetricKey(data: Data(secret.utf8))
        }
        let signed = Data("\(id).\(timestamp).".utf8) + Data(body)
        return Data(HMAC<SHA256>.authenticationCode(for: signed, using: key)).base64EncodedString()
    }

    static func time(_ date: Date) -> String { date.formatted(.iso8601) }
}

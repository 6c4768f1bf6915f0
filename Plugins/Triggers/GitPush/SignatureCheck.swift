import Crypto
import FerryCore

/// Verifies that a webhook came from someone who knows the binding's secret.
///
/// GitHub, Gitea and Forgejo sign the raw body with HMAC-SHA256 (GitHub prefixes `sha256=`);
/// GitLab sends the secret itself in `X-Gitlab-Token`. Every comparison is constant-time so the
/// response time does not reveal how much of a forged signature was right. Reasons never contain
/// the secret or the expected signature: they end up in the event log.
public enum SignatureCheck {
    public enum Outcome: Sendable, Equatable {
        case valid
        /// The signature header is absent; the value is its display name.
        case missing(header: String)
        case mismatch
    }

    /// Checks one request's signature against `secret` as `sender` signs it.
    public static func verify(
        sender: WebhookSender, headers: HeaderLookup, body: [UInt8], secret: String
    ) -> Outcome {
        guard let presented = headers[sender.signatureHeader] else {
            return .missing(header: sender.signatureHeaderDisplayName)
        }
        let ok: Bool
        switch sender {
        case .github:
            let prefix = "sha256="
            ok = presented.lowercased().hasPrefix(prefix)
                && isValidHMAC(hex: String(presented.dropFirst(prefix.count)), body: body, secret: secret)
        case .gitea, .forgejo:
            ok = isValidHMAC(hex: presented, body: body, secret: secret)
        case .gitlab:
            ok = tokenMatches(presented, secret: secret)
        }
        return ok ? .valid : .mismatch
    }

    /// Whether `hex` is HMAC-SHA256(secret, body). Crypto's check is constant-time.
    public static func isValidHMAC(hex: String, body: [UInt8], secret: String) -> Bool {
        guard let mac = bytes(fromHex: hex), mac.count == SHA256.byteCount else { return false }
        let key = SymmetricKey(data: Array(secret.utf8))
        return HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: body, using: key)
    }

    /// Lower-case hex HMAC-SHA256, as Gitea sends it; GitHub's header is `"sha256=" + this`.
    public static func hmacSHA256Hex(body: [UInt8], secret: String) -> String {
        let key = SymmetricKey(data: Array(secret.utf8))
        return hex(Array(HMAC<SHA256>.authenticationCode(for: body, using: key)))
    }

    /// Compares a plain token to the secret without leaking its length or a matching prefix:
    /// both are hashed to 32 bytes first, then compared with `ConstantTime.equal`.
    public static func tokenMatches(_ presented: String, secret: String) -> Bool {
        ConstantTime.equal(Array(SHA256.hash(data: Array(presented.utf8))), Array(SHA256.hash(data: Array(secret.utf8))))
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func bytes(fromHex hex: String) -> [UInt8]? {
        let chars = Array(hex.utf8)
        guard chars.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(chars.count / 2)
        var i = 0
        while i < chars.count {
            guard let hi = nibble(chars[i]), let lo = nibble(chars[i + 1]) else { return nil }
            out.append(hi << 4 | lo)
            i += 2
        }
        return out
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

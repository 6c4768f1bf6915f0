import FerryCore
import Foundation

/// Removes secrets from text before it reaches a log: the values of secret env entries, and
/// credentials written into URLs (`https://user:token@host/`), which tools like git print.
public struct Redactor: Sendable {
    public static let mask = "***"
    private let secrets: [String]

    public init(secrets: some Sequence<String>) {
        // Longest first, so a secret that contains another is masked whole.
        self.secrets = Set(secrets.filter { $0.count >= 4 }).sorted { $0.count > $1.count }
    }

    public func redact(_ text: String) -> String {
        var out = text
        for secret in secrets where out.contains(secret) {
            out = out.replacingOccurrences(of: secret, with: Self.mask)
        }
        return Self.redactURLCredentials(out)
    }

    /// Every string in a JSON value (job details), keys included, redacted.
    public func redact(_ value: JSONValue) -> JSONValue {
        switch value {
        case .string(let text): return .string(redact(text))
        case .array(let items): return .array(items.map(redact))
        case .object(let members):
            return .object(Dictionary(members.map { (redact($0.key), redact($0.value)) }, uniquingKeysWith: { first, _ in first }))
        default: return value
        }
    }

    static func redactURLCredentials(_ text: String) -> String {
        guard text.contains("://"), text.contains("@") else { return text }
        return text.replacingOccurrences(
            of: #"([a-zA-Z][a-zA-Z0-9+.-]*://)[^/\s:@]+(:[^/\s@]*)?@"#, with: "$1\(mask)@", options: .regularExpression)
    }
}

extension Redactor {
    /// A redactor for secret values and the forms tools derive from them: the base64 of the
    /// value (with and without padding) and of `x-access-token:<value>` (git's Basic auth
    /// header), so a traced header is masked too.
    public init(secretValues: [String]) {
        var all: [String] = []
        for secret in secretValues where secret.count >= 4 {
            all.append(secret)
            for derived in [secret, "x-access-token:\(secret)"] {
                let b64 = Data(derived.utf8).base64EncodedString()
                all.append(b64)
                var unpadded = b64
                while unpadded.hasSuffix("=") { unpadded.removeLast() }
                all.append(unpadded)
            }
        }
        self.init(secrets: all)
    }
}

import Foundation

/// Where a credential (a registry token, a git token) may travel. One rule for every plugin
/// and for the engine's HTTP client, so a token taken from a workload's env cannot be steered
/// elsewhere by a redirect or read off the wire:
/// * only over https, or plain http to a loopback host (tests, a sidecar), unless the config
///   that names the credential says `allowInsecure: true`;
/// * only to the origin (scheme, host, port) of the URL configured beside it: a redirect to
///   another origin is followed without the credential.
public enum CredentialTransport {
    /// Nil when a credential may be sent to `url`; otherwise the refusal, naming `field`.
    public static func refusal(toSend credential: String, to url: String, allowInsecure: Bool, field: String) -> FerryError? {
        guard let parts = URLComponents(string: url), let scheme = parts.scheme?.lowercased() else {
            return FerryError.invalid(field, "is not a URL, so \(credential) is not sent")
        }
        switch scheme {
        case "https", "ssh":
            return nil
        case "http" where allowInsecure || isLoopback(host: parts.host ?? ""):
            return nil
        case "http":
            return FerryError.invalid(field, "plain http to \(parts.host ?? "?") would send \(credential) readable on the wire; use https, or set allowInsecure: true beside it if this network is trusted")
        default:
            return FerryError.invalid(field, "\(credential) is only sent over https (or http to a loopback host), not \(scheme)")
        }
    }

    /// Whether a credential sent to `original` may also go to `target` (a redirect): only when
    /// both have the same scheme, host and port.
    public static func sameOrigin(_ original: String, _ target: String) -> Bool {
        guard let a = URLComponents(string: original), let b = URLComponents(string: target) else { return false }
        func port(_ c: URLComponents) -> Int? { c.port ?? (c.scheme?.lowercased() == "https" ? 443 : c.scheme?.lowercased() == "http" ? 80 : nil) }
        return a.scheme?.lowercased() == b.scheme?.lowercased() && a.host?.lowercased() == b.host?.lowercased() && port(a) == port(b)
    }

    /// `localhost`, 127.0.0.0/8 and ::1: traffic that never leaves the machine.
    public static func isLoopback(host: String) -> Bool {
        let host = host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        if host == "localhost" || host.hasSuffix(".localhost") || host == "::1" { return true }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
    }
}

import Crypto
import Foundation

/// The secrets Ferry hands out (API tokens, session cookies, CSRF tokens): 32 random bytes,
/// base64url, with a prefix so a leaked token is recognisable (secret scanners, log greps).
/// Only `hash` of one is ever stored: a stolen database grants nothing.
enum SecretToken {
    static func make(prefix: String) -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return prefix + Data(bytes).base64URL
    }

    static func hash(_ secret: String) -> String {
        SHA256.hash(data: Data(secret.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}

extension Data {
    var base64URL: String {
        base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}

import Crypto
import FerryCore
import Foundation

/// `manifest.sig` beside `manifest.json` in a diff archive: an ed25519 signature over the
/// manifest's exact bytes. The manifest vouches for every file by sha512, so a valid signature
/// from a key the offline side trusts vouches for the whole archive — what the checksums alone
/// cannot, since they travel inside the archive they check.
public struct DiffSignature: Codable, Sendable, Equatable {
    public static let fileName = "manifest.sig"
    static let privatePrefix = "ferry-npm-ed25519-private:"
    static let publicPrefix = "ferry-npm-ed25519-public:"

    public var algorithm: String
    /// base64 of the raw 32-byte public key.
    public var publicKey: String
    public var signature: String

    /// First 16 hex digits of sha256(public key): how history and messages name a signer.
    public var keyID: String { Self.keyID(publicKey) }

    static func keyID(_ publicKeyBase64: String) -> String {
        String(TarballDigest.hex(Array(SHA256.hash(data: Data(base64Encoded: publicKeyBase64) ?? Data()))).prefix(16))
    }

    /// A new key pair as the two text files `ferry npm keygen` writes.
    public static func keyPair() -> (privateKey: String, publicKey: String) {
        let key = Curve25519.Signing.PrivateKey()
        return (privatePrefix + key.rawRepresentation.base64EncodedString() + "\n", publicPrefix + key.publicKey.rawRepresentation.base64EncodedString() + "\n")
    }

    public static func sign(_ manifest: Data, privateKey text: String, field: String) throws -> DiffSignature {
        guard let raw = decode(text, prefix: privatePrefix), let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: raw) else {
            throw FerryError.invalid(field, "is not a private key from `ferry npm keygen`")
        }
        let signature = try key.signature(for: manifest)
        return DiffSignature(algorithm: "ed25519", publicKey: key.publicKey.rawRepresentation.base64EncodedString(), signature: signature.base64EncodedString())
    }

    /// Reads a public key file's text (`ferry npm keygen`'s `.pub`).
    public static func publicKey(_ text: String, file: String) throws -> String {
        guard let raw = decode(text, prefix: publicPrefix), (try? Curve25519.Signing.PublicKey(rawRepresentation: raw)) != nil else {
            throw FerryError(.invalidInput, "\(file) is not a public key from `ferry npm keygen`", field: "trust")
        }
        return raw.base64EncodedString()
    }

    /// Throws unless this signature is `trusted`'s and matches `manifest` byte for byte.
    func verify(_ manifest: Data, trusted: String) throws {
        guard algorithm == "ed25519" else { throw refuse("manifest.sig uses \(algorithm); only ed25519 is accepted") }
        guard publicKey == trusted else {
            throw refuse("it is signed by key \(keyID), not by the trusted key \(Self.keyID(trusted))")
        }
        guard let raw = Data(base64Encoded: publicKey), let key = try? Curve25519.Signing.PublicKey(rawRepresentation: raw),
              let bytes = Data(base64Encoded: signature), key.isValidSignature(bytes, for: manifest)
        else { throw refuse("the signature in manifest.sig does not match manifest.json") }
    }

    private static func decode(_ text: String, prefix: String) -> Data? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return Data(base64Encoded: trimmed.hasPrefix(prefix) ? String(trimmed.dropFirst(prefix.count)) : trimmed)
    }

    private func refuse(_ reason: String) -> FerryError {
        FerryError(.invalidInput, "archive refused, nothing changed: \(reason)", field: "archive")
    }
}

/// Why the offline side may believe a diff archive: a signature by a key it trusts, the
/// archive's sha256 carried over separately, or nothing (`--insecure`, said so in the history).
public enum DiffTrust: Sendable, Equatable {
    /// base64 of the trusted ed25519 public key (`DiffSignature.publicKey(_:file:)`).
    case signature(publicKey: String)
    /// The expected sha256 of the whole archive file, hex.
    case sha256(String)
    case insecure
}

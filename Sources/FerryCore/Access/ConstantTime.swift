/// Comparison of secrets (webhook signatures, password hashes, form tokens) in time that does
/// not depend on where the bytes differ, so a secret cannot be guessed a byte at a time.
public enum ConstantTime {
    /// XOR-accumulates every byte. Inputs of different length are unequal at once, so callers
    /// compare fixed-length digests, or values whose length is no secret.
    public static func equal(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for i in a.indices { difference |= a[i] ^ b[i] }
        return difference == 0
    }
}

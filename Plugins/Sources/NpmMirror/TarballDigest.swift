import Crypto
import Foundation

/// The digests npm checks a tarball against: `dist.integrity` (Subresource Integrity,
/// `sha512-<base64>`, possibly several space-separated) and, for old packuments without it,
/// `dist.shasum` (sha1 hex). The strongest algorithm offered wins, as in ssri.
public enum TarballDigest {
    public struct Expected: Sendable, Equatable {
        public var integrity: String?
        public var shasum: String?

        public init(integrity: String?, shasum: String?) {
            self.integrity = integrity
            self.shasum = shasum
        }

        /// The sha512 the packument names, as raw bytes.
        var sha512: [UInt8]? { sri("sha512") }

        var sha1: [UInt8]? {
            if let bytes = sri("sha1") { return bytes }
            return shasum.flatMap(TarballDigest.bytes(hex:))
        }

        var isEmpty: Bool { sha512 == nil && sha1 == nil }

        private func sri(_ algorithm: String) -> [UInt8]? {
            guard let integrity else { return nil }
            for token in integrity.split(separator: " ") where token.hasPrefix(algorithm + "-") {
                var b64 = String(token.dropFirst(algorithm.count + 1))
                if let q = b64.firstIndex(of: "?") { b64 = String(b64[..<q]) }
                if let data = Data(base64Encoded: b64) { return Array(data) }
            }
            return nil
        }
    }

    /// Checks `bytes` against what the packument expects; nil when it matches, else the reason.
    /// A packument with neither digest is a mismatch too: nothing proves the file right.
    public static func mismatch(_ bytes: some DataProtocol, expected: Expected) -> String? {
        var check = Check(expected)
        for region in bytes.regions { region.withUnsafeBytes { check.update($0) } }
        return check.mismatch()
    }

    /// The digest check fed chunk by chunk, so a tarball is hashed in the same pass that
    /// inflates it: only the strongest algorithm the packument offers is computed.
    struct Check {
        private enum Hash {
            case sha512(SHA512, want: [UInt8])
            case sha1(Insecure.SHA1, want: [UInt8])
            case none
        }

        private var hash: Hash

        init(_ expected: Expected) {
            if let want = expected.sha512 {
                hash = .sha512(SHA512(), want: want)
            } else if let want = expected.sha1 {
                hash = .sha1(Insecure.SHA1(), want: want)
            } else {
                hash = .none
            }
        }

        mutating func update(_ bytes: UnsafeRawBufferPointer) {
            switch hash {
            case .sha512(var hasher, let want):
                hasher.update(bufferPointer: bytes)
                hash = .sha512(hasher, want: want)
            case .sha1(var hasher, let want):
                hasher.update(bufferPointer: bytes)
                hash = .sha1(hasher, want: want)
            case .none:
                break
            }
        }

        /// nil when the bytes fed so far are what the packument names, else the reason.
        func mismatch() -> String? {
            switch hash {
            case .sha512(let hasher, let want):
                let got = Array(hasher.finalize())
                return got == want ? nil : "sha512 is \(base64(got)), packument says \(base64(want))"
            case .sha1(let hasher, let want):
                let got = Array(hasher.finalize())
                return got == want ? nil : "sha1 is \(hex(got)), packument says \(hex(want))"
            case .none:
                return "the packument gives neither dist.integrity nor dist.shasum"
            }
        }
    }

    public static func sha512Hex(_ bytes: some DataProtocol) -> String { hex(Array(SHA512.hash(data: bytes))) }

    /// `sha512-<base64>` of `bytes`, the form `dist.integrity` takes.
    public static func integrity(_ bytes: some DataProtocol) -> String { "sha512-" + base64(Array(SHA512.hash(data: bytes))) }

    public static func shasum(_ bytes: some DataProtocol) -> String { hex(Array(Insecure.SHA1.hash(data: bytes))) }

    static func base64(_ bytes: [UInt8]) -> String { Data(bytes).base64EncodedString() }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func bytes(hex: String) -> [UInt8]? {
        let chars = Array(hex.lowercased().utf8)
        guard chars.count % 2 == 0, !chars.isEmpty else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(chars.count / 2)
        for i in stride(from: 0, to: chars.count, by: 2) {
            guard let hi = nibble(chars[i]), let lo = nibble(chars[i + 1]) else { return nil }
            out.append(hi << 4 | lo)
        }
        return out
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case 48...57: c - 48
        case 97...102: c - 87
        default: nil
        }
    }
}

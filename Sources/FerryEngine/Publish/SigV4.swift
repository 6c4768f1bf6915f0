import Crypto
import FerryCore
import Foundation

/// AWS Signature Version 4 for S3 requests (the `Authorization` header), as the AWS
/// documentation specifies it: canonical request → string to sign → HMAC-SHA256 with a key
/// derived from the secret, the date, the region and the service. Path-style URLs
/// (`endpoint/bucket/key`), so any S3-compatible server works.
struct SigV4 {
    let accessKey: String
    let secretKey: String
    let region: String
    var service = "s3"

    /// The headers to send: `headers` plus `x-amz-date`, `x-amz-content-sha256` and
    /// `authorization`. Every header given is signed; `host` must be among them.
    func sign(method: String, path: String, query: [(String, String)] = [], headers: [String: String], payloadSHA256: String, date: Date) -> [String: String] {
        let stamp = Self.stamp(date)
        let day = String(stamp.prefix(8))
        var all = Dictionary(uniqueKeysWithValues: headers.map { ($0.key.lowercased(), $0.value.trimmingCharacters(in: .whitespaces)) })
        all["x-amz-date"] = stamp
        all["x-amz-content-sha256"] = payloadSHA256
        let names = all.keys.sorted()
        let canonicalQuery = query.map { (Self.encode($0.0), Self.encode($0.1)) }.sorted { $0 < $1 }.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
        let canonical = [
            method, Self.encodePath(path), canonicalQuery,
            names.map { "\($0):\(all[$0]!)\n" }.joined(), names.joined(separator: ";"), payloadSHA256,
        ].joined(separator: "\n")
        let scope = "\(day)/\(region)/\(service)/aws4_request"
        let toSign = ["AWS4-HMAC-SHA256", stamp, scope, Self.hex(SHA256.hash(data: Data(canonical.utf8)))].joined(separator: "\n")
        var key = SymmetricKey(data: Data(("AWS4" + secretKey).utf8))
        for part in [day, region, service, "aws4_request"] {
            key = SymmetricKey(data: Data(HMAC<SHA256>.authenticationCode(for: Data(part.utf8), using: key)))
        }
        let signature = Self.hex(HMAC<SHA256>.authenticationCode(for: Data(toSign.utf8), using: key))
        all["authorization"] = "AWS4-HMAC-SHA256 Credential=\(accessKey)/\(scope), SignedHeaders=\(names.joined(separator: ";")), Signature=\(signature)"
        return all
    }

    static func stamp(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(format: "%04d%02d%02dT%02d%02d%02dZ", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!)
    }

    /// RFC 3986: everything but unreserved characters percent-encoded (upper-case hex).
    static func encode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                out.append(Character(UnicodeScalar(byte)))
            default:
                out += String(format: "%%%02X", byte)
            }
        }
        return out
    }

    /// Each segment encoded, the slashes kept (S3 does not encode twice).
    static func encodePath(_ path: String) -> String {
        path.split(separator: "/", omittingEmptySubsequences: false).map { encode(String($0)) }.joined(separator: "/")
    }

    static func hex(_ digest: some Sequence<UInt8>) -> String { Hex.string(digest) }
}

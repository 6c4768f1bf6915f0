import FerryCore
import Foundation

/// A Composer repository: one package's p2 file (`<url>/p2/<vendor>/<name>.json`, newest
/// stable version wins) or, without a package, the whole `packages.json` (any change of its
/// content is a new revision). Sends `If-Modified-Since` with the last `Last-Modified`.
struct ComposerUpstream: Upstream {
    var url: String
    var package: String?

    var endpoint: String? { url }
    var key: String { "composer:\(url)\(package.map { "#\($0)" } ?? "")" }

    func check(_ c: UpstreamCheck) async throws -> UpstreamAnswer {
        let base = JSONBody.trimmed(url)
        guard let package else {
            let target = "\(base)/packages.json"
            let response = try await c.get(target)
            if response.status == 304 { return .notModified((c.etag, c.lastModified)) }
            _ = try JSONBody.decode(response, from: target)
            let digest = ContentDigest.fnv1a(response.body)
            return UpstreamAnswer(
                version: digest, revision: Revision(id: digest, label: "snapshot:\(digest)"), label: "packages.json \(digest)",
                details: .object(["url": .string(target)]), etag: response.headers["etag"], lastModified: response.headers["last-modified"])
        }
        let target = "\(base)/p2/\(package).json"
        let response = try await c.get(target)
        if response.status == 304 { return .notModified((c.etag, c.lastModified)) }
        let doc = try JSONBody.decode(response, from: target)
        guard case .array(let entries)? = doc["packages"]?[package] else {
            throw FerryError(.unavailable, "\(target) lists no versions of \(package)")
        }
        let versions = entries.compactMap { $0["version"]?.stringValue }
        let parsed = versions.compactMap { v in SemverVersion(loose: v).map { (text: v, version: $0) } }
        let stable = parsed.filter { !$0.version.isPrerelease }
        guard let newest = (stable.max { $0.version < $1.version } ?? parsed.max { $0.version < $1.version })?.text else {
            throw FerryError(.unavailable, "\(target) has no version Ferry can order (\(versions.prefix(3).joined(separator: ", ")))")
        }
        return UpstreamAnswer(
            version: newest.description, revision: Revision(id: newest.description, label: "\(package)@\(newest)"),
            label: "\(package) \(newest)", details: .object(["package": .string(package), "version": .string(newest.description)]),
            etag: response.headers["etag"], lastModified: response.headers["last-modified"])
    }
}

/// A cheap content fingerprint (FNV-1a, 64 bit) for change detection, not for trust.
enum ContentDigest {
    static func fnv1a(_ bytes: [UInt8]) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes {
            hash ^= UInt64(b)
            hash = hash &* 0x100_0000_01b3
        }
        return String(hash, radix: 16)
    }
}

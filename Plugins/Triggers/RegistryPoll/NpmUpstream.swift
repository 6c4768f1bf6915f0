import FerryCore
import Foundation

/// An npm package's packument (`GET <registry>/<name>`): the version a dist-tag points at.
/// Sends `If-None-Match` with the last ETag, so an unchanged package costs a 304.
struct NpmUpstream: Upstream {
    var registry: String
    var package: String
    var distTag: String

    var endpoint: String? { registry }
    var key: String { "npm:\(package)@\(distTag)" }

    func check(_ c: UpstreamCheck) async throws -> UpstreamAnswer {
        // Scoped names keep their `@` and encode the slash, as the npm client does.
        let name = package.replacingOccurrences(of: "/", with: "%2f")
        let url = "\(JSONBody.trimmed(registry))/\(name)"
        var check = c
        check.headers["Accept"] = "application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8"
        let response = try await check.get(url)
        if response.status == 304 { return .notModified((c.etag, c.lastModified)) }
        let doc = try JSONBody.decode(response, from: url)
        guard let version = doc["dist-tags"]?[distTag]?.stringValue else {
            throw FerryError(.unavailable, "\(url) has no dist-tag \(distTag)")
        }
        guard doc["versions"]?[version] != nil else {
            throw FerryError(.unavailable, "\(url): dist-tag \(distTag) points at \(version), which is not among its versions")
        }
        return UpstreamAnswer(
            version: version, revision: Revision(id: version, label: "\(package)@\(version)"), label: "\(package) \(version)",
            details: .object(["package": .string(package), "distTag": .string(distTag), "version": .string(version)]),
            etag: response.headers["etag"], lastModified: response.headers["last-modified"])
    }
}

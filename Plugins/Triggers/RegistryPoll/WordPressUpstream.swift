import FerryCore
import Foundation

/// WordPress.org plugins: each slug's version from the info API
/// (`<api>/plugins/info/1.2/?action=plugin_information&slug=<slug>`). The revision is every
/// slug's version together, so a new release of any of them is one change.
struct WordPressUpstream: Upstream {
    var api: String
    var plugins: [String]

    var endpoint: String? { api }
    var key: String { "wordpress:\(plugins.joined(separator: ","))" }

    func check(_ c: UpstreamCheck) async throws -> UpstreamAnswer {
        var versions: [(String, String)] = []
        for slug in plugins {
            let encoded = slug.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(["-", "_"])) ?? slug
            let url = "\(JSONBody.trimmed(api))/plugins/info/1.2/?action=plugin_information&slug=\(encoded)"
            let doc = try JSONBody.decode(try await c.get(url, conditional: false), from: url)
            guard let version = doc["version"]?.stringValue else {
                throw FerryError(.unavailable, "\(url) names no version\(doc["error"]?.stringValue.map { ": \($0)" } ?? "")")
            }
            versions.append((slug, version))
        }
        let combined = versions.map { "\($0.0)@\($0.1)" }.joined(separator: ",")
        return UpstreamAnswer(
            version: combined, revision: Revision(id: combined, label: combined), label: combined,
            details: .object(["plugins": .object(Dictionary(uniqueKeysWithValues: versions.map { ($0.0, JSONValue.string($0.1)) }))]))
    }
}

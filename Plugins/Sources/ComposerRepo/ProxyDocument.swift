import Crypto
import FerryCore

/// An upstream p2 file made servable by Ferry: checked to be a Composer v2 document, expanded
/// from Composer's minified form, and every http(s) dist URL pointed at Ferry's own dist cache,
/// so clients never need the upstream (or its credentials) once a dist has been fetched.
///
/// The output is not minified again: Composer reads both forms, and an expanded document can be
/// served without knowing which fields a version inherited.
struct ProxyDocument: Sendable {
    /// Where a rewritten dist came from, kept beside the cached p2 file so the dist can be
    /// fetched (and its shasum checked) on first request.
    struct Dist: Codable, Sendable, Equatable {
        var url: String
        var shasum: String
        var type: String
    }

    let bytes: [UInt8]
    /// Rewritten dists by key (the file name under `proxy/dists/<package>/`).
    let dists: [String: Dist]

    /// Why an upstream answer is not a p2 document; the surface answers 502 with it.
    struct Invalid: Error {
        let reason: String
    }

    /// `package` is the name the file was asked for (`acme/tool`, without `~dev`); `distBase`
    /// is `<publicBase>/proxy/dists`.
    init(upstream body: [UInt8], package: String, distBase: String) throws(Invalid) {
        guard let parsed = JSONText.parse(body), case .object(var root) = parsed else {
            let start = String(decoding: body.prefix(40), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            throw Invalid(reason: start.hasPrefix("<") ? "an HTML page, not JSON" : "not JSON")
        }
        guard case .object(var packages) = root["packages"] ?? .null else { throw Invalid(reason: "JSON without a \"packages\" object") }
        let minified = root["minified"]?.stringValue == "composer/2.0"
        var dists: [String: Dist] = [:]
        for (name, value) in packages {
            guard let versions = value.arrayValue else { throw Invalid(reason: "packages.\(name) is not a list of versions") }
            var expanded = try Self.expand(versions, minified: minified, name: name)
            guard name == package else { packages[name] = .array(expanded.map(JSONValue.object)); continue }
            for i in expanded.indices {
                guard case .object(var dist) = expanded[i]["dist"] ?? .null, let url = dist["url"]?.stringValue,
                      url.hasPrefix("https://") || url.hasPrefix("http://")
                else { continue }
                let type = dist["type"]?.stringValue ?? "zip"
                let key = Hex.string(SHA256.hash(data: Array(url.utf8)).prefix(16))
                dists[key] = Dist(url: url, shasum: dist["shasum"]?.stringValue ?? "", type: type)
                dist["url"] = .string("\(distBase)/\(package)/\(key).\(Self.fileExtension(type))")
                expanded[i]["dist"] = .object(dist)
            }
            packages[name] = .array(expanded.map(JSONValue.object))
        }
        root["packages"] = .object(packages)
        root["minified"] = nil
        bytes = JSONText.bytes(.object(root))
        self.dists = dists
    }

    /// The file name ending for a dist type; the key before it is what identifies the dist.
    static func fileExtension(_ type: String) -> String {
        switch type {
        case "tar": "tar"
        case "gzip", "tgz": "tgz"
        default: "zip"
        }
    }

    /// Composer's `MetadataMinifier::expand`: each version lists only what changed from the
    /// one before, and `"__unset"` removes an inherited field.
    private static func expand(_ versions: [JSONValue], minified: Bool, name: String) throws(Invalid) -> [[String: JSONValue]] {
        var out: [[String: JSONValue]] = []
        var current: [String: JSONValue]?
        for (i, version) in versions.enumerated() {
            guard let fields = version.objectValue else { throw Invalid(reason: "packages.\(name)[\(i)] is not an object") }
            guard minified, var next = current else {
                current = fields
                out.append(fields)
                continue
            }
            for (key, value) in fields {
                if value == .string("__unset") { next[key] = nil } else { next[key] = value }
            }
            current = next
            out.append(next)
        }
        return out
    }
}

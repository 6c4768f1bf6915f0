import FerryCore

/// Composer 2 metadata files: `p2/<name>.json` with the tagged versions and `p2/<name>~dev.json`
/// with the branches, both minified the way composer/metadata-minifier expands them (the first
/// version complete, each later one only the keys that differ from the one before, removed keys as
/// `"__unset"`).
enum P2Writer {
    /// Both files of one package; `versions` are expanded and newest first.
    static func files(name: String, versions: [JSONValue]) -> (tagged: [UInt8], dev: [UInt8]) {
        let tagged = versions.filter { !ComposerVersion.isDev($0["version_normalized"]?.stringValue ?? "dev-") }
        let dev = versions.filter { ComposerVersion.isDev($0["version_normalized"]?.stringValue ?? "dev-") }
        return (document(name: name, versions: tagged), document(name: name, versions: dev))
    }

    static func document(name: String, versions: [JSONValue]) -> [UInt8] {
        JSONText.bytes(.object([
            "minified": .string("composer/2.0"),
            "packages": .object([name: .array(minify(versions))]),
        ]))
    }

    static func minify(_ versions: [JSONValue]) -> [JSONValue] {
        var out: [JSONValue] = []
        var previous: [String: JSONValue]?
        for case .object(let version) in versions {
            guard let last = previous else {
                out.append(.object(version))
                previous = version
                continue
            }
            var diff: [String: JSONValue] = [:]
            for (key, value) in version where last[key] != value { diff[key] = value }
            for key in last.keys where version[key] == nil { diff[key] = .string("__unset") }
            out.append(.object(diff))
            previous = version
        }
        return out
    }

    /// The reverse, as the client does it: what tests and the detail page read.
    static func expand(_ minified: [JSONValue]) -> [JSONValue] {
        var out: [JSONValue] = []
        var current: [String: JSONValue] = [:]
        for case .object(let diff) in minified {
            for (key, value) in diff {
                if value == .string("__unset") { current[key] = nil } else { current[key] = value }
            }
            out.append(.object(current))
        }
        return out
    }
}

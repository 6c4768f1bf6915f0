import FerryCore
import Foundation

/// Turns one info API answer into Composer versions the way WP Packages maps them: every
/// Composer-valid tag up to the published stable `version`, plugin trunk as `dev-trunk`, each
/// requiring `composer/installers`, dists at the configured download base.
struct WordPressPackage {
    let slug: String
    let theme: Bool
    let downloadsBase: String

    var name: String { PackageSummary.wordpressName(slug: slug, theme: theme) }
    var type: String { theme ? "wordpress-theme" : "wordpress-plugin" }

    struct Mapped {
        var versions: [JSONValue]
        var skipped: [PackageSummary.Skipped]
        var latest: String?
        var description: String?
        var homepage: String?
        var lastUpdated: Date?
        var marker: String
    }

    func map(_ info: JSONValue) -> Mapped {
        let stable = info["version"]?.plainText ?? ""
        let lastUpdatedText = info["last_updated"]?.stringValue ?? ""
        let lastUpdated = WordPressUpstream.date(lastUpdatedText)
        let time = lastUpdated.map(Self.iso) ?? lastUpdatedText
        let stableNormalized = try? ComposerVersion.normalize(stable)
        var skipped: [PackageSummary.Skipped] = []
        var tagged: [(String, String)] = []
        var hasTrunk = false
        if case .object(let versions)? = info["versions"] {
            for version in versions.keys.sorted() {
                if version == "trunk" { hasTrunk = !theme; continue }
                guard let normalized = try? ComposerVersion.normalize(version), !ComposerVersion.isDev(normalized) else {
                    skipped.append(.init(version: version, reason: "not a valid Composer version"))
                    continue
                }
                if let stableNormalized, ComposerVersion.isNewer(normalized, than: stableNormalized) {
                    skipped.append(.init(version: version, reason: "newer than the published stable version \(stable)"))
                    continue
                }
                tagged.append((version, normalized))
            }
        } else if let stableNormalized, !stable.isEmpty {
            tagged.append((stable, stableNormalized))
        }
        tagged.sort { ComposerVersion.isNewer($0.1, than: $1.1) }

        let common = commonFields(info)
        var out: [JSONValue] = tagged.map { version, normalized in
            var v = common
            v["version"] = .string(version)
            v["version_normalized"] = .string(normalized)
            v["time"] = .string(time)
            v["dist"] = .object(["type": .string("zip"), "url": .string(distURL(version))])
            v["source"] = .object(["type": .string("svn"), "url": .string(svnURL), "reference": .string(theme ? version : "tags/\(version)")])
            return .object(v)
        }
        if hasTrunk {
            var v = common
            v["version"] = .string("dev-trunk")
            v["version_normalized"] = .string("dev-trunk")
            v["time"] = .string(time)
            // The trunk zip's bytes change under one URL; the client caches dists by URL, so the URL carries the update time.
            let stamp = lastUpdated.map { String(Int64($0.timeIntervalSince1970)) } ?? "0"
            v["dist"] = .object(["type": .string("zip"), "url": .string("\(downloadsBase)/plugin/\(slug).zip?timestamp=\(stamp)")])
            v["source"] = .object(["type": .string("svn"), "url": .string(svnURL), "reference": .string("trunk")])
            out.append(.object(v))
        }
        return Mapped(
            versions: out, skipped: skipped, latest: tagged.first?.0,
            description: info["short_description"]?.stringValue.map(HTML.stripTags) ?? info["sections"]?["description"]?.stringValue.map { String(HTML.stripTags($0).prefix(300)) },
            homepage: info["homepage"]?.stringValue, lastUpdated: lastUpdated,
            marker: WordPressUpstream.marker(lastUpdated: lastUpdatedText, version: stable))
    }

    private var svnURL: String { theme ? "https://themes.svn.wordpress.org/\(slug)/" : "https://plugins.svn.wordpress.org/\(slug)/" }

    func distURL(_ version: String) -> String {
        "\(downloadsBase)/\(theme ? "theme" : "plugin")/\(slug).\(version).zip"
    }

    private func commonFields(_ info: JSONValue) -> [String: JSONValue] {
        var require: [String: JSONValue] = ["composer/installers": .string("~1.0|~2.0")]
        if let php = info["requires_php"]?.stringValue, !php.isEmpty, (try? ComposerVersion.normalize(php)) != nil {
            require["php"] = .string(">=\(php)")
        }
        var v: [String: JSONValue] = ["name": .string(name), "type": .string(type), "require": .object(require)]
        if let d = info["short_description"]?.stringValue { v["description"] = .string(HTML.stripTags(d)) }
        if let h = info["homepage"]?.stringValue, !h.isEmpty { v["homepage"] = .string(h) }
        if let a = info["author"]?.stringValue {
            let author = HTML.stripTags(a).trimmingCharacters(in: .whitespacesAndNewlines)
            if !author.isEmpty { v["authors"] = .array([.object(["name": .string(author)])]) }
        }
        return v
    }

    static func iso(_ date: Date) -> String {
        ISO8601DateFormatter.string(from: date, timeZone: TimeZone(identifier: "UTC")!, formatOptions: [.withInternetDateTime])
    }
}

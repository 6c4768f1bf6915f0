import Foundation

/// Composer's version rules (composer/semver `VersionParser::normalize` and `normalizeBranch`),
/// so `version_normalized` in our p2 files is exactly what the client would compute itself and a
/// version the client would reject never reaches a build.
enum ComposerVersion {
    struct Invalid: Error, CustomStringConvertible {
        let version: String
        var description: String { "\"\(version)\" is not a valid Composer version" }
    }

    /// The normalized form of a tag or version string (`v1.2` → `1.2.0.0`, `2.0-beta1` → `2.0.0.0-beta1`).
    static func normalize(_ raw: String) throws -> String {
        var version = raw.trimmingCharacters(in: .whitespaces)
        if let alias = match(Patterns.alias, version) { version = alias[1]! }
        if let flag = match(Patterns.stabilityFlag, version) { version.removeLast(flag[0]!.count) }
        if ["master", "trunk", "default"].contains(version) { version = "dev-" + version }
        if version.lowercased().hasPrefix("dev-") { return "dev-" + version.dropFirst(4) }
        if let build = match(Patterns.buildMetadata, version) { version = build[1]! }

        if let m = match(Patterns.classical, version) {
            let base = m[1]! + (m[2] ?? ".0") + (m[3] ?? ".0") + (m[4] ?? ".0")
            return try withModifiers(base, stability: m[5], number: m[6], dev: m[7], raw: raw)
        }
        if let m = match(Patterns.date, version) {
            let base = m[1]!.map { $0.isNumber ? String($0) : "." }.joined()
            return try withModifiers(base, stability: m[2], number: m[3], dev: m[4], raw: raw)
        }
        if let m = match(Patterns.devSuffix, version), let branch = m[1] {
            let normalized = normalizeBranch(branch)
            if !normalized.hasPrefix("dev-") { return normalized }
        }
        throw Invalid(version: raw)
    }

    /// A branch name as a version: numeric branches (`1.x`, `2.3`) become `1.9999999.9999999.9999999-dev`,
    /// every other branch `dev-<name>`.
    static func normalizeBranch(_ raw: String) -> String {
        let name = raw.trimmingCharacters(in: .whitespaces)
        if let m = match(Patterns.numericBranch, name) {
            var version = ""
            for i in 1...4 { version += (m[i] ?? ".x").replacingOccurrences(of: "*", with: "x").replacingOccurrences(of: "X", with: "x") }
            return version.replacingOccurrences(of: "x", with: "9999999") + "-dev"
        }
        return "dev-" + name
    }

    /// The pretty version and normalized version Composer gives a branch: `1.x` → (`1.x-dev`, `1.9999999…-dev`),
    /// `main` → (`dev-main`, `dev-main`).
    static func branchVersion(_ branch: String) -> (version: String, normalized: String) {
        let normalized = normalizeBranch(branch)
        if normalized.hasPrefix("dev-") { return ("dev-" + branch, normalized) }
        let pretty = branch.replacingOccurrences(of: #"(\.9{7})+"#, with: ".x", options: .regularExpression)
        return (pretty.hasSuffix("-dev") ? pretty : pretty + "-dev", normalized)
    }

    /// Whether a version lives in `~dev.json` (branches) rather than `<name>.json` (tags).
    static func isDev(_ normalized: String) -> Bool {
        normalized.hasPrefix("dev-") || normalized.hasSuffix("-dev")
    }

    /// Orders normalized versions newest first: numeric parts, then stability (stable > RC > beta > alpha > dev).
    static func isNewer(_ a: String, than b: String) -> Bool {
        compare(a, b) == .orderedDescending
    }

    static func compare(_ a: String, _ b: String) -> ComparisonResult {
        let (an, asuf) = split(a), (bn, bsuf) = split(b)
        for i in 0..<max(an.count, bn.count) {
            let x = i < an.count ? an[i] : 0, y = i < bn.count ? bn[i] : 0
            if x != y { return x < y ? .orderedAscending : .orderedDescending }
        }
        let ra = rank(asuf), rb = rank(bsuf)
        if ra.0 != rb.0 { return ra.0 < rb.0 ? .orderedAscending : .orderedDescending }
        if ra.1 != rb.1 { return ra.1 < rb.1 ? .orderedAscending : .orderedDescending }
        return .orderedSame
    }

    private static func split(_ v: String) -> ([Int], String) {
        let parts = v.split(separator: "-", maxSplits: 1)
        let numbers = parts.first.map { $0.split(separator: ".").map { Int($0) ?? 0 } } ?? []
        return (numbers, parts.count > 1 ? String(parts[1]) : "")
    }

    private static func rank(_ suffix: String) -> (Int, Int) {
        let lower = suffix.lowercased()
        let number = Int(lower.filter(\.isNumber)) ?? 0
        if lower.isEmpty { return (5, 0) }
        if lower.hasPrefix("patch") { return (6, number) }
        if lower.hasPrefix("rc") { return (4, number) }
        if lower.hasPrefix("beta") { return (3, number) }
        if lower.hasPrefix("alpha") { return (2, number) }
        return (1, number)
    }

    private static func withModifiers(_ base: String, stability: String?, number: String?, dev: String?, raw: String) throws -> String {
        var version = base
        if let stability, !stability.isEmpty {
            if stability == "stable" { return version }
            let tail = (number ?? "").drop(while: { $0 == "." || $0 == "-" })
            version += "-" + expand(stability) + tail
        }
        if let dev, !dev.isEmpty { version += "-dev" }
        return version
    }

    private static func expand(_ stability: String) -> String {
        switch stability.lowercased() {
        case "a": "alpha"
        case "b": "beta"
        case "p", "pl": "patch"
        case "rc": "RC"
        default: stability.lowercased()
        }
    }

    /// The patterns of composer/semver's VersionParser, compiled once: compiling them per call
    /// dominated the time of syncing tens of thousands of packages.
    private enum Patterns {
        static let modifier = #"[._-]?(?:(stable|beta|b|RC|alpha|a|patch|pl|p)((?:[.-]?\d+)*)?)?([.-]?dev)?"#
        static let alias = compile(#"^([^,\s]+) +as +([^,\s]+)$"#)
        static let stabilityFlag = compile(#"@(?:stable|RC|beta|alpha|dev)$"#)
        static let buildMetadata = compile(#"^([^,\s+]+)\+[^\s]+$"#)
        static let classical = compile(#"^v?(\d{1,5})(\.\d+)?(\.\d+)?(\.\d+)?"# + modifier + "$")
        static let date = compile(#"^v?(\d{4}(?:[.:-]?\d{2}){1,6}(?:[.:-]?\d{1,3})?)"# + modifier + "$")
        static let devSuffix = compile(#"^(.*?)[.-]?dev$"#)
        static let numericBranch = compile(#"^v?(\d+)(\.(?:\d+|[xX*]))?(\.(?:\d+|[xX*]))?(\.(?:\d+|[xX*]))?$"#)

        static func compile(_ pattern: String) -> NSRegularExpression {
            // The patterns are constants; a typo is a programming error caught by the first test.
            try! NSRegularExpression(pattern: pattern, options: [.caseInsensitive])
        }
    }

    /// Case-insensitive match returning the capture groups (nil for groups that did not take part).
    private static func match(_ regex: NSRegularExpression, _ text: String) -> [String?]? {
        guard let m = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) else { return nil }
        return (0..<m.numberOfRanges).map { i in
            let r = m.range(at: i)
            guard r.location != NSNotFound, let range = Range(r, in: text) else { return nil }
            return String(text[range])
        }
    }
}

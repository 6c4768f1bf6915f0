import Foundation

/// An npm version range with node-semver's semantics (default options: strict parsing, no
/// `includePrerelease`): `||` alternatives of comparator sets; hyphen ranges, x-ranges, `~`,
/// `^` and partial versions are desugared into plain `<`, `<=`, `>`, `>=` comparators exactly as
/// node-semver 7 does (upper bounds end in `-0` so prereleases of the next release stay out).
///
/// In Core because two plugins need the same answers: the npm mirror follows a dependency
/// closure the way `npm install` will resolve it, and registry-poll picks the newest tag a
/// policy allows, as Flux's image policies do.
public struct SemverRange: Sendable, CustomStringConvertible {
    struct Comparator: Sendable, Hashable {
        enum Op: String, Sendable { case lt = "<", le = "<=", gt = ">", ge = ">=", eq = "" }
        var op: Op
        var version: SemverVersion

        /// A bound one past `SemverVersion.maxNumber` (`^9007199254740991`) makes the range invalid,
        /// as node-semver's `validRange` says.
        var isRepresentable: Bool {
            [version.major, version.minor, version.patch].allSatisfy { $0 <= SemverVersion.maxNumber }
        }

        func test(_ v: SemverVersion) -> Bool {
            switch op {
            case .lt: v < version
            case .le: v <= version
            case .gt: v > version
            case .ge: v >= version
            case .eq: v == version
            }
        }
    }

    /// Each inner array is one comparator set (all must hold); an empty set matches anything.
    let sets: [[Comparator]]
    public let description: String

    /// Parses a range as it appears in `dependencies`; nil when node-semver would call it invalid
    /// (a git URL, a file path, a dist-tag name).
    public init?(_ text: String) {
        var sets: [[Comparator]] = []
        for alternative in text.components(separatedBy: "||") {
            guard let set = Self.parseSet(alternative.trimmingCharacters(in: .whitespaces)) else { return nil }
            sets.append(set)
        }
        self.sets = sets
        description = text
    }

    /// Whether `version` satisfies the range. A prerelease only matches a set that names a
    /// prerelease of the same `major.minor.patch`, as node-semver requires.
    public func satisfies(_ version: SemverVersion) -> Bool {
        sets.contains { set in
            guard set.allSatisfy({ $0.test(version) }) else { return false }
            guard version.isPrerelease else { return true }
            return set.contains { $0.version.isPrerelease && $0.version.release == version.release }
        }
    }

    /// The highest of `versions` that satisfies the range.
    public func maxSatisfying(_ versions: some Sequence<SemverVersion>) -> SemverVersion? {
        versions.filter(satisfies).max()
    }

    // MARK: - Parsing

    /// A partial version: `1`, `1.2`, `1.x`, `*`, or a full version with prerelease.
    private struct Partial {
        var major: UInt64?
        var minor: UInt64?
        var patch: UInt64?
        var prerelease: [SemverVersion.Identifier] = []

        var isAny: Bool { major == nil }
        var full: SemverVersion { SemverVersion(major ?? 0, minor ?? 0, patch ?? 0, prerelease: prerelease) }

        init?(_ text: Substring) {
            var s = text
            while s.first == "=" || s.first == "v" { s = s.dropFirst() }
            if s.isEmpty { return }
            if let full = SemverVersion(String(s)) {
                (major, minor, patch, prerelease) = (full.major, full.minor, full.patch, full.prerelease)
                return
            }
            if let plus = s.firstIndex(of: "+") { s = s[..<plus] }
            let parts = s.split(separator: ".", omittingEmptySubsequences: false)
            guard (1...3).contains(parts.count) else { return nil }
            var numbers: [UInt64?] = []
            var wild = false
            for part in parts {
                if ["x", "X", "*"].contains(part) {
                    wild = true
                    numbers.append(nil)
                } else {
                    guard !wild, let n = SemverVersion.number(part) else { return nil }
                    numbers.append(n)
                }
            }
            major = numbers[0]
            minor = numbers.count > 1 ? numbers[1] : nil
            patch = numbers.count > 2 ? numbers[2] : nil
        }
    }

    private static func v(_ a: UInt64, _ b: UInt64, _ c: UInt64, pre: Bool = false) -> SemverVersion {
        SemverVersion(a, b, c, prerelease: pre ? [.numeric(0)] : [])
    }

    private static func parseSet(_ raw: String) -> [Comparator]? {
        if raw.isEmpty { return [] }
        if let hyphen = raw.range(of: " - ") {
            guard let from = Partial(Substring(raw[..<hyphen.lowerBound].trimmingCharacters(in: .whitespaces))),
                  let to = Partial(Substring(raw[hyphen.upperBound...].trimmingCharacters(in: .whitespaces)))
            else { return nil }
            let set = hyphenRange(from, to)
            return set.allSatisfy(\.isRepresentable) ? set : nil
        }
        var result: [Comparator] = []
        for token in tokens(raw) {
            guard let comparators = comparators(token) else { return nil }
            result += comparators
        }
        return result.allSatisfy(\.isRepresentable) ? result : nil
    }

    /// Splits on whitespace, gluing an operator to the version that follows it (`>= 1.2`).
    private static func tokens(_ raw: String) -> [Substring] {
        var out: [Substring] = []
        var pending = ""
        for word in raw.split(whereSeparator: \.isWhitespace) {
            if word.allSatisfy({ "<>=~^".contains($0) }) {
                pending += word
            } else {
                out.append(Substring(pending + word))
                pending = ""
            }
        }
        if !pending.isEmpty { out.append(Substring(pending)) }
        return out
    }

    private static func hyphenRange(_ from: Partial, _ to: Partial) -> [Comparator] {
        var out: [Comparator] = []
        if !from.isAny { out.append(Comparator(op: .ge, version: from.full)) }
        if let major = to.major {
            if let minor = to.minor {
                if to.patch != nil {
                    out.append(Comparator(op: .le, version: to.full))
                } else {
                    out.append(Comparator(op: .lt, version: v(major, minor + 1, 0, pre: true)))
                }
            } else {
                out.append(Comparator(op: .lt, version: v(major + 1, 0, 0, pre: true)))
            }
        }
        return out
    }

    private static func comparators(_ token: Substring) -> [Comparator]? {
        var s = token
        var op = ""
        while let c = s.first, "<>=~^".contains(c) {
            op.append(c)
            s = s.dropFirst()
        }
        if op == "~>" { op = "~" }
        guard let p = Partial(s) else { return nil }
        switch op {
        case "~": return tilde(p)
        case "^": return caret(p)
        case "", "=": return xRange(p)
        case "<", "<=", ">", ">=": return primitive(op, p)
        default: return nil
        }
    }

    private static func xRange(_ p: Partial) -> [Comparator] {
        guard let major = p.major else { return [] }
        guard let minor = p.minor else {
            return [Comparator(op: .ge, version: v(major, 0, 0)), Comparator(op: .lt, version: v(major + 1, 0, 0, pre: true))]
        }
        guard p.patch != nil else {
            return [Comparator(op: .ge, version: v(major, minor, 0)), Comparator(op: .lt, version: v(major, minor + 1, 0, pre: true))]
        }
        return [Comparator(op: .eq, version: p.full)]
    }

    private static func tilde(_ p: Partial) -> [Comparator] {
        guard let major = p.major else { return [] }
        guard let minor = p.minor else { return xRange(p) }
        return [Comparator(op: .ge, version: p.full), Comparator(op: .lt, version: v(major, minor + 1, 0, pre: true))]
    }

    private static func caret(_ p: Partial) -> [Comparator] {
        guard let major = p.major else { return [] }
        guard let minor = p.minor else { return xRange(p) }
        let lower = Comparator(op: .ge, version: p.full)
        guard let patch = p.patch else {
            let upper = major == 0 ? v(0, minor + 1, 0, pre: true) : v(major + 1, 0, 0, pre: true)
            return [lower, Comparator(op: .lt, version: upper)]
        }
        let upper: SemverVersion =
            if major != 0 { v(major + 1, 0, 0, pre: true) }
            else if minor != 0 { v(0, minor + 1, 0, pre: true) }
            else { v(0, 0, patch + 1, pre: true) }
        return [lower, Comparator(op: .lt, version: upper)]
    }

    private static func primitive(_ op: String, _ p: Partial) -> [Comparator] {
        guard let major = p.major else {
            // `<*` and `>*` match nothing; `>=*` and `<=*` anything.
            return op == "<" || op == ">" ? [Comparator(op: .lt, version: v(0, 0, 0, pre: true))] : []
        }
        if p.minor != nil, p.patch != nil { return [Comparator(op: Comparator.Op(rawValue: op)!, version: p.full)] }
        let minor = p.minor
        switch op {
        case ">":
            return [Comparator(op: .ge, version: minor.map { v(major, $0 + 1, 0) } ?? v(major + 1, 0, 0))]
        case ">=":
            return [Comparator(op: .ge, version: v(major, minor ?? 0, 0))]
        case "<":
            return [Comparator(op: .lt, version: v(major, minor ?? 0, 0, pre: true))]
        default:  // "<="
            return [Comparator(op: .lt, version: minor.map { v(major, $0 + 1, 0, pre: true) } ?? v(major + 1, 0, 0, pre: true))]
        }
    }
}

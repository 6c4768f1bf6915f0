/// A version range as npm and Flux image policies write them: comparators joined by spaces
/// (`>=1.0.0 <2.0.0`), alternatives by `||`, plus `^1.2.3`, `~1.2.3`, `1.x`/`1.2.*` and exact
/// versions. Prereleases match only when the range names a prerelease of the same x.y.z.
struct SemverRange: Sendable, CustomStringConvertible {
    private struct Comparator: Sendable {
        enum Op: String, Sendable { case lt = "<", le = "<=", gt = ">", ge = ">=", eq = "=" }
        var op: Op
        var version: SemanticVersion
        func matches(_ v: SemanticVersion) -> Bool {
            switch op {
            case .lt: v < version
            case .le: v <= version
            case .gt: v > version
            case .ge: v >= version
            case .eq: v == version
            }
        }
    }

    let description: String
    private let alternatives: [[Comparator]]

    init?(_ text: String) {
        description = text
        var alternatives: [[Comparator]] = []
        for part in text.split(separator: "||", omittingEmptySubsequences: false) {
            var set: [Comparator] = []
            let tokens = part.split(separator: " ").map(String.init)
            guard !tokens.isEmpty || part.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
            for token in tokens {
                guard let expanded = Self.expand(token) else { return nil }
                set += expanded
            }
            alternatives.append(set)
        }
        guard !alternatives.isEmpty else { return nil }
        self.alternatives = alternatives
    }

    func contains(_ v: SemanticVersion) -> Bool {
        alternatives.contains { set in
            guard set.allSatisfy({ $0.matches(v) }) else { return false }
            guard v.isPrerelease else { return true }
            return set.contains { $0.version.isPrerelease && ($0.version.major, $0.version.minor, $0.version.patch) == (v.major, v.minor, v.patch) }
        }
    }

    private static func expand(_ token: String) -> [Comparator]? {
        if token == "*" || token == "x" { return [] }
        for op in ["<=", ">=", "<", ">", "="] where token.hasPrefix(op) {
            guard let v = SemanticVersion(String(token.dropFirst(op.count))) else { return nil }
            return [Comparator(op: Comparator.Op(rawValue: op)!, version: v)]
        }
        if token.hasPrefix("^") || token.hasPrefix("~") {
            guard let v = SemanticVersion(String(token.dropFirst())) else { return nil }
            let upper: SemanticVersion
            if token.hasPrefix("~") {
                upper = SemanticVersion("\(v.major).\(v.minor + 1).0-0")!
            } else if v.major > 0 {
                upper = SemanticVersion("\(v.major + 1).0.0-0")!
            } else if v.minor > 0 {
                upper = SemanticVersion("0.\(v.minor + 1).0-0")!
            } else {
                upper = SemanticVersion("0.0.\(v.patch + 1)-0")!
            }
            return [Comparator(op: .ge, version: v), Comparator(op: .lt, version: upper)]
        }
        let parts = token.split(separator: ".").map(String.init)
        if let wild = parts.firstIndex(where: { $0 == "x" || $0 == "X" || $0 == "*" }) {
            let fixed = parts[..<wild].compactMap(Int.init)
            guard fixed.count == wild, !fixed.isEmpty else { return nil }
            let low = SemanticVersion(fixed.map(String.init).joined(separator: "."))!
            let upper = fixed.count == 1 ? "\(fixed[0] + 1).0.0-0" : "\(fixed[0]).\(fixed[1] + 1).0-0"
            return [Comparator(op: .ge, version: low), Comparator(op: .lt, version: SemanticVersion(upper)!)]
        }
        guard let v = SemanticVersion(token) else { return nil }
        return [Comparator(op: .eq, version: v)]
    }
}

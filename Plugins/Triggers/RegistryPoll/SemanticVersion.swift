/// A semantic version (`1.2.3`, `v1.2.3-rc.1`), ordered as semver says: prereleases sort
/// before their release, numeric identifiers numerically. Enough for OCI tag policies and for
/// picking the newest Composer version; build metadata is ignored.
struct SemanticVersion: Comparable, Sendable, CustomStringConvertible {
    var major: Int
    var minor: Int
    var patch: Int
    var prerelease: [String]
    let description: String

    /// Parses `1.2.3`, `v1.2.3`, `1.2` and `1` (missing parts are 0), with `-pre` and `+build`.
    init?(_ text: String) {
        description = text
        var core = Substring(text)
        if core.hasPrefix("v") || core.hasPrefix("V") { core = core.dropFirst() }
        if let plus = core.firstIndex(of: "+") { core = core[..<plus] }
        var pre: [String] = []
        if let dash = core.firstIndex(of: "-") {
            pre = core[core.index(after: dash)...].split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            guard !pre.contains(where: \.isEmpty) else { return nil }
            core = core[..<dash]
        }
        let numbers = core.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...3).contains(numbers.count) else { return nil }
        var parts: [Int] = []
        for n in numbers {
            guard !n.isEmpty, n.allSatisfy(\.isASCII), let v = Int(n), v >= 0 else { return nil }
            parts.append(v)
        }
        while parts.count < 3 { parts.append(0) }
        (major, minor, patch, prerelease) = (parts[0], parts[1], parts[2], pre)
    }

    var isPrerelease: Bool { !prerelease.isEmpty }

    static func == (a: SemanticVersion, b: SemanticVersion) -> Bool {
        (a.major, a.minor, a.patch) == (b.major, b.minor, b.patch) && a.prerelease == b.prerelease
    }

    static func < (a: SemanticVersion, b: SemanticVersion) -> Bool {
        if (a.major, a.minor, a.patch) != (b.major, b.minor, b.patch) { return (a.major, a.minor, a.patch) < (b.major, b.minor, b.patch) }
        switch (a.prerelease.isEmpty, b.prerelease.isEmpty) {
        case (true, true): return false
        case (true, false): return false
        case (false, true): return true
        case (false, false): break
        }
        for (x, y) in zip(a.prerelease, b.prerelease) where x != y {
            switch (Int(x), Int(y)) {
            case let (i?, j?): return i < j
            case (.some, nil): return true
            case (nil, .some): return false
            case (nil, nil): return x < y
            }
        }
        return a.prerelease.count < b.prerelease.count
    }
}

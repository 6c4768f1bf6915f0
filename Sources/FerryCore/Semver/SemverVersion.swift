import Foundation

/// A semantic version as node-semver reads it (strict mode): `MAJOR.MINOR.PATCH[-pre][+build]`,
/// an optional leading `v` or `=`. Ordering follows semver 2.0: a prerelease sorts before its
/// release, numeric identifiers numerically and below alphanumeric ones, build metadata ignored.
public struct SemverVersion: Sendable, Hashable, Comparable, CustomStringConvertible {
    public enum Identifier: Sendable, Hashable {
        case numeric(UInt64)
        case text(String)
    }

    public var major: UInt64
    public var minor: UInt64
    public var patch: UInt64
    public var prerelease: [Identifier]

    public init(_ major: UInt64, _ minor: UInt64, _ patch: UInt64, prerelease: [Identifier] = []) {
        self.major = major
        self.minor = minor
        self.patch = patch
        self.prerelease = prerelease
    }

    /// Parses a full version; nil for anything node-semver's `valid()` would reject.
    public init?(_ text: String) {
        var s = Substring(text.trimmingCharacters(in: .whitespaces))
        while s.first == "=" || s.first == "v" { s = s.dropFirst() }
        if let plus = s.firstIndex(of: "+") {
            guard Self.validIdentifiers(s[s.index(after: plus)...], numericStrict: false) else { return nil }
            s = s[..<plus]
        }
        var pre: [Identifier] = []
        if let dash = s.firstIndex(of: "-") {
            let tail = s[s.index(after: dash)...]
            guard Self.validIdentifiers(tail, numericStrict: true) else { return nil }
            pre = tail.split(separator: ".", omittingEmptySubsequences: false).map { part in
                if part.allSatisfy(\.isASCIIDigit), let n = UInt64(part) { .numeric(n) } else { .text(String(part)) }
            }
            s = s[..<dash]
        }
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let a = Self.number(parts[0]), let b = Self.number(parts[1]), let c = Self.number(parts[2]) else { return nil }
        self.init(a, b, c, prerelease: pre)
    }

    /// Reads a version the way registries tag them: `v1.2`, `1`, `V2.0.1-rc.1`; missing parts
    /// are 0. For picking among tags; the mirror itself uses the strict `init?(_:)`.
    public init?(loose text: String) {
        var s = Substring(text.trimmingCharacters(in: .whitespaces))
        if s.first == "v" || s.first == "V" { s = s.dropFirst() }
        var suffix = Substring("")
        if let cut = s.firstIndex(where: { $0 == "-" || $0 == "+" }) {
            suffix = s[cut...]
            s = s[..<cut]
        }
        var parts = s.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard (1...3).contains(parts.count) else { return nil }
        while parts.count < 3 { parts.append("0") }
        self.init(parts.joined(separator: ".") + suffix)
    }

    /// node-semver's limit (JavaScript's `Number.MAX_SAFE_INTEGER`): larger numbers are invalid
    /// there, and refusing them here keeps every `n + 1` of range desugaring far from overflow.
    public static let maxNumber: UInt64 = 9_007_199_254_740_991

    /// A numeric part without leading zeros, as semver requires, no larger than `maxNumber`.
    static func number(_ part: Substring) -> UInt64? {
        guard !part.isEmpty, part.count <= 16, part.allSatisfy(\.isASCIIDigit), part == "0" || part.first != "0",
              let n = UInt64(part), n <= maxNumber else { return nil }
        return n
    }

    private static func validIdentifiers(_ text: Substring, numericStrict: Bool) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        return !parts.isEmpty && parts.allSatisfy { part in
            guard !part.isEmpty, part.allSatisfy({ $0.isASCIIAlnum || $0 == "-" }) else { return false }
            if numericStrict && part.allSatisfy(\.isASCIIDigit) { return part == "0" || part.first != "0" }
            return true
        }
    }

    public var isPrerelease: Bool { !prerelease.isEmpty }

    /// The same numbers without the prerelease, for the "same tuple" rule of range matching.
    var release: SemverVersion { SemverVersion(major, minor, patch) }

    public var description: String {
        let base = "\(major).\(minor).\(patch)"
        guard isPrerelease else { return base }
        return base + "-" + prerelease.map { if case .numeric(let n) = $0 { String(n) } else if case .text(let t) = $0 { t } else { "" } }.joined(separator: ".")
    }

    public static func < (a: SemverVersion, b: SemverVersion) -> Bool {
        if a.major != b.major { return a.major < b.major }
        if a.minor != b.minor { return a.minor < b.minor }
        if a.patch != b.patch { return a.patch < b.patch }
        switch (a.prerelease.isEmpty, b.prerelease.isEmpty) {
        case (true, true), (true, false): return false
        case (false, true): return true
        case (false, false): break
        }
        for (x, y) in zip(a.prerelease, b.prerelease) where x != y {
            switch (x, y) {
            case (.numeric(let m), .numeric(let n)): return m < n
            case (.numeric, .text): return true
            case (.text, .numeric): return false
            case (.text(let s), .text(let t)): return s < t
            }
        }
        return a.prerelease.count < b.prerelease.count
    }
}

/// ASCII-only classes: `isNumber`/`isLetter` accept any script's digits and letters, which no
/// version, package name or file name Ferry reads may contain.
extension Character {
    public var isASCIIDigit: Bool { ("0"..."9").contains(self) }
    public var isASCIIAlnum: Bool { isASCIIDigit || ("a"..."z").contains(self) || ("A"..."Z").contains(self) }
}

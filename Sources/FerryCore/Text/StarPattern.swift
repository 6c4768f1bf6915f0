/// A name pattern where `*` stands for any run of characters and everything else is literal:
/// token scopes (`wp-*`), Composer's `available-package-patterns` and list filters (`acme/*`).
/// Unlike `GlobPattern` (paths and refs) a `*` here also crosses `/`, as Composer's patterns do.
public struct StarPattern: Sendable, Hashable, CustomStringConvertible {
    public let pattern: String
    private let characters: [Character]

    public init(_ pattern: String) {
        self.pattern = pattern
        characters = Array(pattern)
    }

    public var description: String { pattern }

    /// Greedy with one backtrack point: linear in practice, never exponential.
    public func matches(_ text: String) -> Bool {
        let p = characters, s = Array(text)
        var (pi, si, star, mark) = (0, 0, -1, 0)
        while si < s.count {
            if pi < p.count, p[pi] != "*", p[pi] == s[si] {
                pi += 1; si += 1
            } else if pi < p.count, p[pi] == "*" {
                star = pi; mark = si; pi += 1
            } else if star >= 0 {
                pi = star + 1; mark += 1; si = mark
            } else {
                return false
            }
        }
        while pi < p.count, p[pi] == "*" { pi += 1 }
        return pi == p.count
    }
}

/// A glob over `/`-separated names: changed paths (`public/**`, `*.md`) and refs (`release/*`).
///
/// `*` matches any run of characters within one segment (never `/`), `?` one character other
/// than `/`, and a `**` segment any number of segments, including none, so `public/**` matches
/// `public/index.html` and `public/a/b.css`, and `**/*.md` matches `README.md` and `docs/x.md`.
/// Everything else is literal. Branch names may contain `/`, which is why `release/*` matches
/// `release/1.2` but not `release/1.2/hotfix`. Segment-wise matching keeps this predictable and
/// the dynamic programme below keeps it linear-ish even for hostile patterns.
public struct GlobPattern: Sendable, Hashable, CustomStringConvertible {
    private enum Segment: Sendable, Hashable {
        case anySegments
        case glob([Character])
    }

    /// The pattern as written, for reasons ("branch dev does not match [main]").
    public let pattern: String
    private let segments: [Segment]

    public init(_ pattern: String) {
        self.pattern = pattern
        var body = Substring(pattern)
        while body.hasPrefix("/") { body = body.dropFirst() }
        segments = body.split(separator: "/", omittingEmptySubsequences: false).map {
            $0 == "**" ? .anySegments : .glob(Array($0))
        }
    }

    public var description: String { pattern }

    public func matches(_ text: String) -> Bool {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false).map { Array($0) }
        // reachable[j]: the segments consumed so far can match exactly parts[..<j].
        var reachable = [Bool](repeating: false, count: parts.count + 1)
        reachable[0] = true
        for segment in segments {
            var next = [Bool](repeating: false, count: parts.count + 1)
            switch segment {
            case .anySegments:
                var seen = false
                for j in 0...parts.count {
                    seen = seen || reachable[j]
                    next[j] = seen
                }
            case .glob(let glob):
                for j in 0..<parts.count where reachable[j] && Self.segmentMatches(glob, parts[j]) {
                    next[j + 1] = true
                }
            }
            reachable = next
        }
        return reachable[parts.count]
    }

    /// `*` / `?` matching within one segment: greedy with one backtrack point, linear time.
    private static func segmentMatches(_ glob: [Character], _ text: [Character]) -> Bool {
        var g = 0, t = 0
        var star: Int? = nil, starText = 0
        while t < text.count {
            if g < glob.count, glob[g] == "*" {
                star = g
                starText = t
                g += 1
            } else if g < glob.count, glob[g] == "?" || glob[g] == text[t] {
                g += 1
                t += 1
            } else if let s = star {
                g = s + 1
                starText += 1
                t = starText
            } else {
                return false
            }
        }
        while g < glob.count, glob[g] == "*" { g += 1 }
        return g == glob.count
    }
}

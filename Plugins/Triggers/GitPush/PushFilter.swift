import FerryCore

/// One target's filters (`{branches?, tags?, paths?}`) and the decision they make on a delivery.
///
/// Kept apart from the trigger so the decision is pure and table-testable. A missing `branches`
/// or `paths` means no restriction; a tag push matches only a target that sets `tags`, so a
/// branch-deploy target is not redeployed by every release tag. Every decision carries the
/// reason the dispatcher records, so an operator can see why a push did (not) deploy.
struct PushFilter: Sendable, Equatable {
    var branches: [GlobPattern]?
    var tags: [GlobPattern]?
    var paths: [GlobPattern]?

    static let keys = ["branches", "tags", "paths"]

    /// Reads filters strictly: an unknown key or a non-string pattern is an error, not silently
    /// "no restriction". `null` means no filters at all.
    init(_ json: JSONValue) throws(FerryError) {
        if json.isNull { return }
        guard let members = json.objectValue else {
            throw .invalid("filters", "must be an object with branches, tags or paths")
        }
        if let unknown = members.keys.sorted().first(where: { !Self.keys.contains($0) }) {
            throw .invalid("filters.\(unknown)", "unknown filter (expected branches, tags or paths)")
        }
        branches = try Self.patterns(members["branches"], "branches")
        tags = try Self.patterns(members["tags"], "tags")
        paths = try Self.patterns(members["paths"], "paths")
    }

    private static func patterns(_ value: JSONValue?, _ key: String) throws(FerryError) -> [GlobPattern]? {
        guard let value, !value.isNull else { return nil }
        guard case .array(let list) = value else { throw .invalid("filters.\(key)", "must be an array of globs") }
        var out: [GlobPattern] = []
        for item in list {
            guard let s = item.stringValue else { throw .invalid("filters.\(key)", "must be an array of globs") }
            out.append(GlobPattern(s))
        }
        return out
    }

    func decide(_ payload: JSONValue) -> FilterDecision {
        var reasons: [String] = []
        if let branch = payload["branch"]?.stringValue {
            if let branches {
                guard let hit = branches.first(where: { $0.matches(branch) }) else {
                    return FilterDecision(matches: false, reason: "branch \(branch) does not match \(Self.list(branches))")
                }
                reasons.append("branch \(branch) matches \(hit)")
            } else {
                reasons.append("branch \(branch) (no branch filter)")
            }
        } else if let tag = payload["tag"]?.stringValue {
            guard let tags else {
                return FilterDecision(matches: false, reason: "tag \(tag) ignored: the target sets no tags filter")
            }
            guard let hit = tags.first(where: { $0.matches(tag) }) else {
                return FilterDecision(matches: false, reason: "tag \(tag) does not match \(Self.list(tags))")
            }
            reasons.append("tag \(tag) matches \(hit)")
        } else {
            return FilterDecision(matches: false, reason: "the delivery names no branch or tag")
        }
        if let paths {
            if case .array(let changed) = payload["paths"] {
                let hit = changed.lazy.compactMap(\.stringValue).compactMap { path in
                    paths.first { $0.matches(path) }.map { (path, $0) }
                }.first
                guard let (path, pattern) = hit else {
                    return FilterDecision(matches: false, reason: "no changed path matches \(Self.list(paths))")
                }
                reasons.append("path \(path) matches \(pattern)")
            } else {
                reasons.append("changed paths unknown, paths filter not applied")
            }
        }
        return FilterDecision(matches: true, reason: reasons.joined(separator: "; "))
    }

    private static func list(_ patterns: [GlobPattern]) -> String {
        "[" + patterns.map(\.pattern).joined(separator: ", ") + "]"
    }
}

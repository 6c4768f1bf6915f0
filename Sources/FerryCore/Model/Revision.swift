/// What a job builds from, written the way Flux writes revisions: `main@sha1:<commit>` for git,
/// `snapshot:<id>` for upstream state. `id` is the exact thing to fetch (a commit, a snapshot id).
public struct Revision: Codable, Sendable, Hashable, CustomStringConvertible {
    public var id: String
    public var label: String

    public init(id: String, label: String? = nil) {
        self.id = id
        self.label = label ?? id
    }

    public static func git(branch: String, commit: String) -> Revision {
        Revision(id: commit, label: "\(branch)@sha1:\(commit)")
    }

    public var description: String { label }
}

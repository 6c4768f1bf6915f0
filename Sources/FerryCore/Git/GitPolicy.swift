/// What the server operator allows git to reach beyond the network: the host folders under
/// which `file://` repositories and plain absolute paths may sit (`git: { fileRoots: [...] }`).
///
/// With no roots, every local repository is refused: a workload file or a webhook must not be
/// able to make Ferry read (and publish) any repository on the host's disk. The policy travels
/// with the plugin registry to config validation and in every `SourceContext` and
/// `WatchContext`, so the same roots are checked when a config is applied and again right
/// before git runs.
public struct GitPolicy: Sendable, Hashable {
    /// Absolute folders, normalised (no `.`/`..` parts, no trailing `/`).
    public let fileRoots: [String]

    public init(fileRoots: [String] = []) {
        self.fileRoots = fileRoots.compactMap(GitPolicy.normalise)
    }

    /// Checks a repository URL from config or a webhook; see `GitRemote`.
    /// `credentialHint` says where a token belongs instead (`source.config.tokenEnv`).
    public func remote(_ text: String, field: String, credentialHint: String) throws(FerryError) -> GitRemote {
        try GitRemote(text, field: field, policy: self, credentialHint: credentialHint)
    }

    /// Whether the normalised absolute `path` is one of the roots or inside one.
    func allows(path: String) -> Bool {
        fileRoots.contains { root in root == "/" || path == root || path.hasPrefix(root + "/") }
    }

    /// An absolute path with `.` parts and repeated or trailing slashes removed; nil when it is
    /// relative or has a `..` part (a root or a repository path must say plainly where it is).
    static func normalise(_ path: String) -> String? {
        guard path.hasPrefix("/") else { return nil }
        let parts = path.split(separator: "/", omittingEmptySubsequences: true).filter { $0 != "." }
        guard !parts.contains("..") else { return nil }
        return "/" + parts.joined(separator: "/")
    }
}

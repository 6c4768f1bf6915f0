/// `manifest.json` of a build: every file with its size and sha256, so a build can be verified
/// before it goes live and checked again at any time after.
public struct BuildManifest: Codable, Sendable, Equatable {
    public struct File: Codable, Sendable, Equatable {
        public var path: String
        public var size: Int64
        public var sha256: String
        public init(path: String, size: Int64, sha256: String) {
            self.path = path
            self.size = size
            self.sha256 = sha256
        }
    }

    public var buildID: String
    public var workload: String
    public var revision: Revision?
    public var createdAt: String
    public var files: [File]
    /// Source-specific facts worth keeping with the build (commit, counts, timings).
    public var meta: JSONValue

    /// `builds/<id>/manifest.json`, beside the build's files, which live in `builds/<id>/content/`:
    /// a site's own `manifest.json` (a web app manifest) is content like any other file.
    public static let fileName = "manifest.json"
    public static let contentFolder = "content"

    public init(buildID: String, workload: String, revision: Revision?, createdAt: String, files: [File], meta: JSONValue = .object([:])) {
        self.buildID = buildID
        self.workload = workload
        self.revision = revision
        self.createdAt = createdAt
        self.files = files
        self.meta = meta
    }

    public var totalBytes: Int64 { files.reduce(0) { $0 + $1.size } }
}

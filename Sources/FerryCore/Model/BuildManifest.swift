/// `manifest.json` of a build: every path with the object holding its bytes (named by their
/// sha256, in the data dir's content-addressed `objects/`), its size and since when it has had
/// these bytes. A build is nothing but this list: builds share objects, so a build that changes
/// one file of a thousand costs one object and a new list.
public struct BuildManifest: Codable, Sendable, Equatable {
    public struct File: Codable, Sendable, Equatable {
        public var path: String
        public var size: Int64
        /// Names the object too (`objects/sha256/ab/cdef…`).
        public var sha256: String
        /// Unix seconds since the path has had these bytes: its `Last-Modified`. A path kept
        /// from the previous build keeps its time; one whose bytes changed gets a later one, even
        /// when both builds fall within one second (clients revalidate with whole seconds).
        /// Nil in builds written before builds were content-addressed.
        public var modified: Int64?
        public init(path: String, size: Int64, sha256: String, modified: Int64? = nil) {
            self.path = path
            self.size = size
            self.sha256 = sha256
            self.modified = modified
        }
    }

    public var buildID: String
    public var workload: String
    public var revision: Revision?
    public var createdAt: String
    public var files: [File]
    /// Source-specific facts worth keeping with the build (commit, counts, timings).
    public var meta: JSONValue

    /// `builds/<id>/manifest.json`. While its job runs, the source writes the files it puts into
    /// `builds/<id>/content/`; the engine moves them into `objects/` and removes the folder, so
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

import Foundation

/// The build a workload serves right now: its manifest indexed by path, so a surface finds a
/// file, its ETag (the content hash) and where its bytes are with one dictionary lookup — no
/// readlink, realpath or hashing per request.
public final class LiveBuild: Sendable {
    public let id: String
    /// The data dir's object store (`objects/`), where every file's bytes are, by sha256.
    public let objects: URL
    public let manifest: BuildManifest
    private let index: [String: BuildManifest.File]
    /// What the source learned serving this build (`BuildMemo`).
    public let memo = BuildMemo()
    private let check: @Sendable (BuildManifest.File) -> Bool

    /// `check` re-hashes an object the first time this build serves it (the engine's reports a
    /// mismatch to the log and the workload's health); without one every object is trusted.
    public init(id: String, objects: URL, manifest: BuildManifest, check: @escaping @Sendable (BuildManifest.File) -> Bool = { _ in true }) {
        self.id = id
        self.objects = objects
        self.manifest = manifest
        self.check = check
        self.index = Dictionary(manifest.files.map { ($0.path, $0) }, uniquingKeysWith: { a, _ in a })
    }

    public var revision: Revision? { manifest.revision }

    /// The manifest entry for a path relative to the build root (`docs/index.html`).
    public func file(_ relativePath: String) -> BuildManifest.File? { index[relativePath] }

    /// The file holding an entry's bytes. Objects are never changed once written, so a surface
    /// may hand this path to the server to stream.
    public func location(of entry: BuildManifest.File) -> String {
        Self.objectPath(entry.sha256, in: objects.path)
    }

    /// Whether an entry's object still holds its bytes: checked once per live build and object,
    /// so a file damaged on disk is answered 500, never served.
    public func intact(_ entry: BuildManifest.File) -> Bool {
        memo.value("intact:" + entry.sha256) { check(entry) }
    }

    /// `objects/sha256/ab/cdef…`: two hex digits of fan-out keep folders small.
    public static func objectPath(_ sha256: String, in objects: String) -> String {
        objects + "/sha256/" + sha256.prefix(2) + "/" + sha256.dropFirst(2)
    }
}

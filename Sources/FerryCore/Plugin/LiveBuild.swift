import Foundation

/// The build a workload serves right now, with its manifest indexed by path so a surface can
/// answer ETags without hashing at request time.
public final class LiveBuild: Sendable {
    public let id: String
    /// The folder holding the build's files (`builds/<id>/content/`).
    public let directory: URL
    public let manifest: BuildManifest
    private let index: [String: BuildManifest.File]
    /// What the source learned serving this build (`BuildMemo`).
    public let memo = BuildMemo()

    public init(id: String, directory: URL, manifest: BuildManifest) {
        self.id = id
        self.directory = directory
        self.manifest = manifest
        self.index = Dictionary(manifest.files.map { ($0.path, $0) }, uniquingKeysWith: { a, _ in a })
    }

    public var revision: Revision? { manifest.revision }

    /// The manifest entry for a path relative to the build root (`docs/index.html`).
    public func file(_ relativePath: String) -> BuildManifest.File? { index[relativePath] }
}

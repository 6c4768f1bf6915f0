import Foundation
import Synchronization

/// The `BuildChanges` of one job: the base build and the paths the source kept from it. The
/// engine makes one per build job and reads `kept` when the source is done; tests of a source
/// make one over a base of their own.
public final class BuildBaseline: BuildChanges {
    public let base: BuildManifest?
    private let objects: URL
    private let index: [String: BuildManifest.File]
    private let keptPaths = Mutex<Set<String>>([])

    public init(base: BuildManifest?, objects: URL) {
        self.base = base
        self.objects = objects
        self.index = Dictionary((base?.files ?? []).map { ($0.path, $0) }, uniquingKeysWith: { a, _ in a })
    }

    @discardableResult public func keep(_ path: String) -> Bool {
        guard index[path] != nil else { return false }
        keptPaths.withLock { _ = $0.insert(path) }
        return true
    }

    public func baseFile(_ path: String) -> URL? {
        index[path].map { URL(fileURLWithPath: LiveBuild.objectPath($0.sha256, in: objects.path)) }
    }

    /// The base's entries the source kept, by path.
    public var kept: [String: BuildManifest.File] {
        let paths = keptPaths.withLock { $0 }
        return index.filter { paths.contains($0.key) }
    }
}

import Foundation

/// How a source says what a new build changes, so a deploy costs what changed and not what the
/// workload holds. A build starts from `base`, the live build (nil on the first deploy, or when
/// the live build is broken). Every file the source writes into `SourceContext.buildDirectory`
/// is put: the engine hashes it once and stores it as an object. Every base path the source
/// `keep`s is carried over as it is, without being read. Nothing else is in the new build.
public protocol BuildChanges: Sendable {
    var base: BuildManifest? { get }
    /// Carries `path` over from the base unchanged; false when the base has no such path. A
    /// file written to the build directory under the same path wins over it.
    @discardableResult func keep(_ path: String) -> Bool
    /// Where the base's bytes of `path` can be read (never written), or nil.
    func baseFile(_ path: String) -> URL?
}

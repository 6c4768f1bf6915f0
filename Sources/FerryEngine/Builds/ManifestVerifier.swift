import FerryCore
import Foundation

/// Checks a build against the object store.
///
/// `present` is what activation, rollback and promotion check: the manifest reads and every
/// object it lists is there with its size — objects were hashed when they were written and are
/// never changed, so this is enough to go live, and costs one stat per file. `full` re-hashes
/// every object too (the scrub's work, `ferry verify`, tests).
public enum ManifestVerifier {
    public enum Depth: Sendable { case present, full }

    /// Returns nil when the build folder's manifest verifies, else what is wrong.
    public static func problem(in directory: URL, objects: ObjectStore, depth: Depth) -> String? {
        let manifest: BuildManifest
        do { manifest = try ManifestBuilder.read(from: directory) } catch { return "\(error)" }
        return problem(manifest, objects: objects, depth: depth)
    }

    public static func problem(_ manifest: BuildManifest, objects: ObjectStore, depth: Depth) -> String? {
        var checked = Set<String>()
        for file in manifest.files where checked.insert(file.sha256).inserted {
            guard objects.has(file.sha256, size: file.size) else { return "\(file.path) is missing (object \(file.sha256.prefix(12)))" }
            if depth == .full, !objects.verify(file.sha256) {
                return "\(file.path) does not match its sha256 in the manifest"
            }
        }
        return nil
    }
}

import FerryCore
import Foundation

/// Checks a build against its manifest.
///
/// `full` hashes every file (before activation, rollback and promotion). `quick` is what the
/// reconciler runs every pass: every listed file exists with its size, and only files changed
/// since the manifest was written are hashed — cheap enough for thousands of workloads.
public enum ManifestVerifier {
    public enum Depth: Sendable { case quick, full }

    /// Returns nil when the build folder (manifest + `content/`) verifies, else what is wrong.
    public static func problem(in directory: URL, depth: Depth) -> String? {
        let manifest: BuildManifest
        do { manifest = try ManifestBuilder.read(from: directory) } catch { return "\(error)" }
        let fm = FileManager.default
        let manifestDate = (try? fm.attributesOfItem(atPath: directory.appendingPathComponent(BuildManifest.fileName).path))?[.modificationDate] as? Date
        for file in manifest.files {
            let path = directory.appendingPathComponent(BuildManifest.contentFolder).appendingPathComponent(file.path).path
            guard let attrs = try? fm.attributesOfItem(atPath: path), attrs[.type] as? FileAttributeType == .typeRegular else {
                return "\(file.path) is missing"
            }
            let size = (attrs[.size] as? NSNumber)?.int64Value ?? -1
            if size != file.size { return "\(file.path) has \(size) bytes, the manifest says \(file.size)" }
            let modified = attrs[.modificationDate] as? Date
            let mustHash = depth == .full || manifestDate == nil || modified == nil || modified! > manifestDate!
            if mustHash, (try? ManifestBuilder.sha256(ofFile: path)) != file.sha256 {
                return "\(file.path) does not match its sha256 in the manifest"
            }
        }
        return nil
    }
}

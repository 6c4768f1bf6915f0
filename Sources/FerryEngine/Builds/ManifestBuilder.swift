import Crypto
import FerryCore
import Foundation

/// Writes and checks `manifest.json`: the list of every regular file of a build with its size
/// and sha256. A build is trusted only as far as it matches its manifest.
public enum ManifestBuilder {
    /// Walks a build's content folder and returns the manifest of what is there. Symlinks are
    /// refused: a build is plain files, so nothing it serves can point outside it.
    public static func scan(
        _ directory: URL, buildID: String, workload: String, revision: Revision?, meta: JSONValue, now: Date
    ) throws -> BuildManifest {
        var files: [BuildManifest.File] = []
        let root = directory.standardizedFileURL.path
        guard let walker = FileManager.default.enumerator(atPath: root) else {
            throw FerryError(.failed, "build directory \(root) is unreadable")
        }
        while let relative = walker.nextObject() as? String {
            let full = root + "/" + relative
            let attrs = try FileManager.default.attributesOfItem(atPath: full)
            switch attrs[.type] as? FileAttributeType {
            case .typeDirectory?: continue
            case .typeRegular?:
                files.append(BuildManifest.File(path: relative, size: (attrs[.size] as? NSNumber)?.int64Value ?? 0, sha256: try sha256(ofFile: full)))
            default:
                throw FerryError(.failed, "build contains \(relative), which is not a regular file (symlinks and devices are not allowed in a build)")
            }
        }
        files.sort { $0.path < $1.path }
        return BuildManifest(buildID: buildID, workload: workload, revision: revision, createdAt: ISO8601DateFormatter().string(from: now), files: files, meta: meta)
    }

    /// Writes `manifest.json` into the build folder (beside `content/`).
    public static func write(_ manifest: BuildManifest, to directory: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try encoder.encode(manifest).write(to: directory.appendingPathComponent(BuildManifest.fileName), options: .atomic)
    }

    public static func read(from directory: URL) throws -> BuildManifest {
        let url = directory.appendingPathComponent(BuildManifest.fileName)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw FerryError(.failed, "\(url.path) is missing")
        }
        do { return try JSONDecoder().decode(BuildManifest.self, from: data) } catch {
            throw FerryError(.failed, "\(url.path) is unreadable: \(error)", cause: error)
        }
    }

    /// sha256 of the manifest's canonical form: one value naming the build's whole content.
    public static func digest(_ manifest: BuildManifest) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(manifest.files)) ?? Data()
        return SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }

    public static func sha256(ofFile path: String) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw FerryError(.failed, "cannot read \(path)") }
        defer { try? handle.close() }
        var hasher = SHA256()
        while true {
            let chunk = try handle.read(upToCount: 1 << 20) ?? Data()
            if chunk.isEmpty { break }
            hasher.update(data: chunk)
        }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
}

import Crypto
import FerryCore
import Foundation

/// Reads and writes a build's `manifest.json`, and walks a folder of files a source wrote.
public enum ManifestBuilder {
    /// Every regular file below `directory` as (path relative to it, absolute path), sorted.
    /// Symlinks and devices are refused: a build is plain files, so nothing it serves can
    /// point outside it.
    public static func files(in directory: URL) throws -> [(relative: String, path: String)] {
        var files: [(relative: String, path: String)] = []
        let root = directory.standardizedFileURL.path
        guard FileManager.default.fileExists(atPath: root) else { return [] }
        guard let walker = FileManager.default.enumerator(atPath: root) else {
            throw FerryError(.failed, "build directory \(root) is unreadable")
        }
        while let relative = walker.nextObject() as? String {
            let full = root + "/" + relative
            let attrs = try FileManager.default.attributesOfItem(atPath: full)
            switch attrs[.type] as? FileAttributeType {
            case .typeDirectory?: continue
            case .typeRegular?: files.append((relative, full))
            default:
                throw FerryError(.failed, "build contains \(relative), which is not a regular file (symlinks and devices are not allowed in a build)")
            }
        }
        return files.sorted { $0.relative < $1.relative }
    }

    /// Writes `manifest.json` into the build folder (beside `content/` while the job runs).
    public static func write(_ manifest: BuildManifest, to directory: URL) throws {
        try Data(ManifestCoding.encode(manifest)).write(to: directory.appendingPathComponent(BuildManifest.fileName), options: .atomic)
    }

    public static func read(from directory: URL) throws -> BuildManifest {
        let url = directory.appendingPathComponent(BuildManifest.fileName)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw FerryError(.failed, "\(url.path) is missing")
        }
        do { return try ManifestCoding.decode(data) } catch {
            throw FerryError(.failed, "\(url.path) is unreadable: \(error)", cause: error)
        }
    }

    /// sha256 of the manifest's file list in its canonical form (what `manifest.json` holds
    /// between `"files":` and `,"meta"`): one value naming the build's whole content.
    public static func digest(_ manifest: BuildManifest) -> String {
        var files = manifest
        files.buildID = ""
        files.workload = ""
        files.createdAt = ""
        files.revision = nil
        files.meta = .null
        return Hex.string(SHA256.hash(data: ManifestCoding.encode(files)))
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
        return Hex.string(hasher.finalize())
    }
}

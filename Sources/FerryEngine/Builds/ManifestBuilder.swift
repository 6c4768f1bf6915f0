import Crypto
import FerryCore
import Foundation

/// Reads and writes a build's `manifest.json`, and walks a folder of files a source wrote.
public enum ManifestBuilder {
    /// Every regular file below `directory` as (path relative to it, absolute path), sorted.
    /// Symlinks and devices are refused: a build is plain files, so nothing it serves can
    /// point outside it. Walked with readdir's file types (a stat only where the file system
    /// does not give one): Foundation's enumerator and attributes cost a build of 120,000
    /// files seconds.
    public static func files(in directory: URL) throws -> [(relative: String, path: String)] {
        var files: [(relative: String, path: String)] = []
        let root = directory.standardizedFileURL.path
        var info = stat()
        guard lstat(root, &info) == 0 else { return [] }
        var pending = [""]
        while let relative = pending.popLast() {
            let folder = relative.isEmpty ? root : root + "/" + relative
            guard let handle = opendir(folder) else { throw FerryError(.failed, "build directory \(folder) is unreadable") }
            defer { closedir(handle) }
            while let entry = readdir(handle) {
                let name = withUnsafePointer(to: entry.pointee.d_name) { String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self)) }
                if name == "." || name == ".." { continue }
                let path = relative.isEmpty ? name : relative + "/" + name
                var type = Int32(entry.pointee.d_type)
                if type == Int32(DT_UNKNOWN) {
                    guard lstat(root + "/" + path, &info) == 0 else { throw FerryError(.failed, "cannot read \(path) in the build") }
                    type = (info.st_mode & S_IFMT) == S_IFDIR ? Int32(DT_DIR) : (info.st_mode & S_IFMT) == S_IFREG ? Int32(DT_REG) : Int32(DT_LNK)
                }
                switch type {
                case Int32(DT_DIR): pending.append(path)
                case Int32(DT_REG): files.append((path, root + "/" + path))
                default:
                    throw FerryError(.failed, "build contains \(path), which is not a regular file (symlinks and devices are not allowed in a build)")
                }
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

import Crypto
import FerryCore
import FerryStore
import Foundation

/// Puts finished artifacts on the shelf: `artifacts/<workload>/<name>`, hashed and recorded, so
/// `GET /api/artifacts` lists them and downloads can be checked against their sha256.
struct ArtifactShelf: Sendable {
    let database: FerryDatabase
    let paths: FerryPaths
    let now: @Sendable () -> Date

    func publish(_ file: URL, name: String, workload: String, jobID: String?, details: JSONValue) throws -> Artifact {
        guard !name.isEmpty, !name.contains("/"), !name.hasPrefix(".") else {
            throw FerryError(.invalidInput, "artifact name \"\(name)\" must be a plain file name")
        }
        let folder = paths.artifacts(workload)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let target = folder.appendingPathComponent(name)
        guard !FileManager.default.fileExists(atPath: target.path) else {
            throw FerryError(.conflict, "artifact \(name) already exists for \(workload)")
        }
        let (size, sha256) = try Self.digest(file)
        if rename(file.path, target.path) != 0 {
            try FileManager.default.copyItem(at: file, to: target)
            try? FileManager.default.removeItem(at: file)
        }
        let artifact = Artifact(
            id: IDs.make("a", at: now()), workload: workload, jobID: jobID, name: name, size: size, sha256: sha256,
            details: details, createdAt: now())
        try database.insertArtifact(artifact)
        return artifact
    }

    static func digest(_ file: URL) throws -> (Int64, String) {
        guard let handle = try? FileHandle(forReadingFrom: file) else { throw FerryError(.failed, "cannot read \(file.path)") }
        defer { try? handle.close() }
        var hasher = SHA256()
        var size: Int64 = 0
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            hasher.update(data: chunk)
            size += Int64(chunk.count)
        }
        return (size, hasher.finalize().map { String(format: "%02x", $0) }.joined())
    }
}

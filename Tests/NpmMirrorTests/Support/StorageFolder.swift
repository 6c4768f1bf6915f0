import FerryCore
import Foundation
@testable import NpmMirrorSource

/// Writes packed versions into a folder in Verdaccio's layout — the upstream the tests serve
/// and the mirror storage they start from — with packuments as the registry gives them:
/// each version's manifest plus `_id` and `dist` (tarball URL, sha512 integrity, sha1 shasum),
/// `dist-tags.latest` the highest version, `time` per version.
enum StorageFolder {
    static func write(_ versions: [PackedVersion], to root: URL, tarballBase: String) throws {
        let byName = Dictionary(grouping: versions, by: \.name)
        for (name, group) in byName {
            let layout = StorageLayout(root: root)
            var packument = (try Packument.load(layout.packumentFile(name))) ?? Packument(name: name)
            var docs = packument.versions
            var time = packument.fields["time"]?.objectValue ?? [:]
            for v in group {
                let bytes = try Data(contentsOf: v.tarball)
                var doc = v.manifest
                doc["_id"] = .string("\(name)@\(v.version)")
                doc["dist"] = .object([
                    "tarball": .string("\(tarballBase)/\(name)/-/\(v.fileName)"),
                    "integrity": .string(TarballDigest.integrity(bytes)), "shasum": .string(TarballDigest.shasum(bytes)),
                ])
                docs[v.version] = .object(doc)
                time[v.version] = .string("2024-01-01T00:00:00.000Z")
                let target = layout.tarballFile(name, fileName: v.fileName)
                try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
                if !FileManager.default.fileExists(atPath: target.path) { try FileManager.default.copyItem(at: v.tarball, to: target) }
            }
            packument.versions = docs
            let latest = docs.keys.compactMap(SemverVersion.init(_:)).max()!
            var tags = packument.distTags
            tags["latest"] = latest.description
            packument.distTags = tags
            time["modified"] = .string("2024-01-02T00:00:00.000Z")
            packument.fields["time"] = .object(time)
            try packument.write(to: layout.packumentFile(name))
        }
    }

    /// Every regular file below `root` (Verdaccio's own state and temp files left out) with its
    /// sha512, for "are these two storages identical" checks.
    static func digests(_ root: URL) throws -> [String: String] {
        var out: [String: String] = [:]
        for file in try FileIndex.list(root) {
            out[file.path] = TarballDigest.sha512Hex(try Data(contentsOf: root.appendingPathComponent(file.path)))
        }
        return out
    }

    /// A copy of a folder (`cp -a`, so mtimes survive).
    static func copy(_ source: URL, to target: URL) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/cp")
        p.arguments = ["-a", source.path, target.path]
        try p.run()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw FerryError(.failed, "cp -a \(source.path) failed") }
    }
}

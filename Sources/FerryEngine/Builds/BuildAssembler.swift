import FerryCore
import Foundation

/// Turns what a build job did into the build's manifest: the files the source put (written
/// into `builds/<id>/content/`) are hashed once and moved into the object store, the base
/// paths it kept are carried over unread, and the folder is removed. What the build costs is
/// what it put, whatever the workload holds.
public struct BuildAssembler {
    public let objects: ObjectStore

    public init(objects: ObjectStore) { self.objects = objects }

    public struct Result: Sendable {
        public var manifest: BuildManifest
        /// Files the source put, and how many of them were new objects.
        public var put: Int
        public var stored: Int
        public var kept: Int
    }

    public func assemble(
        content: URL, baseline: BuildBaseline, buildID: String, workload: String, revision: Revision?, meta: JSONValue, now: Date,
        progress: (Double, String) -> Void
    ) throws -> Result {
        let base = Dictionary((baseline.base?.files ?? []).map { ($0.path, $0) }, uniquingKeysWith: { a, _ in a })
        let keptEntries = baseline.kept
        var entries = keptEntries
        let written = try ManifestBuilder.files(in: content)
        let seconds = Int64(now.timeIntervalSince1970)
        var stored = 0
        let step = max(1, written.count / 50)
        for (i, file) in written.enumerated() {
            let (sha256, size, isNew) = try objects.ingest(file.path)
            if isNew { stored += 1 }
            let before = base[file.relative]
            let modified = before?.sha256 == sha256 ? before?.modified ?? seconds : max(seconds, (before?.modified ?? 0) + 1)
            entries[file.relative] = BuildManifest.File(path: file.relative, size: size, sha256: sha256, modified: modified)
            if (i + 1) % step == 0 { progress(Double(i + 1) / Double(written.count), "stored \(i + 1)/\(written.count) files") }
        }
        try? FileManager.default.removeItem(at: content)
        let manifest = BuildManifest(
            buildID: buildID, workload: workload, revision: revision, createdAt: ISO8601DateFormatter().string(from: now),
            files: entries.values.sorted { $0.path < $1.path }, meta: meta)
        let overridden = written.filter { keptEntries[$0.relative] != nil }.count
        return Result(manifest: manifest, put: written.count, stored: stored, kept: keptEntries.count - overridden)
    }
}

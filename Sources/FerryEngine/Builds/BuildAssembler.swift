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
        /// The entries of the files put (the rest were kept).
        public var written: [BuildManifest.File]
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
        let ingested = try objects.ingest(written.map(\.path)) { done in
            progress(Double(done) / Double(max(written.count, 1)), "hashed \(done)/\(written.count) files")
        }
        var stored = 0
        for (file, object) in zip(written, ingested) {
            if object.stored { stored += 1 }
            let before = base[file.relative]
            let modified = before?.sha256 == object.sha256 ? before?.modified ?? seconds : max(seconds, (before?.modified ?? 0) + 1)
            entries[file.relative] = BuildManifest.File(path: file.relative, size: object.size, sha256: object.sha256, modified: modified)
        }
        try? FileManager.default.removeItem(at: content)
        let manifest = BuildManifest(
            buildID: buildID, workload: workload, revision: revision, createdAt: ISO8601DateFormatter().string(from: now),
            files: entries.values.sorted { $0.path < $1.path }, meta: meta)
        let overridden = written.filter { keptEntries[$0.relative] != nil }.count
        let putEntries = written.compactMap { entries[$0.relative] }
        return Result(manifest: manifest, put: written.count, written: putEntries, stored: stored, kept: keptEntries.count - overridden)
    }
}

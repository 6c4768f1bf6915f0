import FerryCore
import Foundation

/// The `diff-build` action: snapshots the storage (every file's path, size, mtime, sha512 —
/// hashing only what changed since the last walk), compares it with a baseline snapshot and
/// packs the new and changed files into one `diff-YYYYMMDDHHmm.tar.zst` artifact with a
/// manifest and a README. The new snapshot is stored only once the archive is published, so a
/// failed build leaves the baseline where it was.
struct DiffBuilder {
    static let snapshots = "snapshots"

    struct Snapshot: Codable, Sendable {
        var id: String
        var createdAt: Date
        var files: [FileIndex.FileState]
        var archive: String?
    }

    let layout: StorageLayout
    let context: any SourceContext
    /// Signs the manifest when set (`source.config.signingKeyEnv`).
    var signingKeyEnv: String?

    func run(baseline requested: String?) throws -> ActionOutcome {
        let baseline = try loadBaseline(requested)
        context.progress(0, "snapshotting \(layout.root.path)")
        let walk = try FileIndex(layout: layout, records: context.records).refresh(progress: context.progress)
        context.log("snapshot: \(walk.files.count) files, \(walk.hashed) hashed; baseline: \(baseline?.id ?? "none (everything is new)")")
        let old = Dictionary((baseline?.files ?? []).map { ($0.path, $0) }, uniquingKeysWith: { a, _ in a })
        var entries: [DiffManifest.File] = []
        var sources: [String: FileIndex.FileState] = [:]
        for file in walk.files {
            let change: String? = if let before = old[file.path] { before.sha512 == file.sha512 ? nil : "changed" } else { "new" }
            guard let change else { continue }
            entries.append(DiffManifest.File(path: file.path, size: file.size, sha512: file.sha512, change: change))
            sources[file.path] = file
        }
        let current = Set(walk.files.map(\.path))
        let removed = old.keys.filter { !current.contains($0) }.sorted()
        if entries.isEmpty && removed.isEmpty {
            return .done(summary: "no changes since \(baseline?.id ?? "an empty storage"): no archive made", details: .object([
                "baseline": baseline.map { .string($0.id) } ?? .null, "files": .number(0), "removed": .number(0),
                "hashed": .number(Double(walk.hashed)),
            ]))
        }
        let now = Date()
        let stamp = Self.stamp(now)
        let snapshot = Snapshot(id: "s-\(stamp)-\(context.jobID.suffix(6))", createdAt: now, files: walk.files, archive: nil)
        let name = try archiveName(stamp)
        let manifest = DiffManifest(
            format: DiffManifest.format, workload: context.workload.name, baseline: baseline?.id, baselineArchive: baseline?.archive, snapshot: snapshot.id,
            createdAt: now, files: entries, removed: removed)
        let file = context.scratchDirectory.appendingPathComponent(name)
        let bytes = entries.reduce(Int64(0)) { $0 + $1.size }
        try DiskRoom.check(context.scratchDirectory, needs: bytes, for: "the diff archive")
        let signature = try sign(manifest)
        try pack(manifest, signature: signature, name: name, sources: sources, to: file, totalBytes: bytes)
        let details: JSONValue = .object([
            "baseline": baseline.map { .string($0.id) } ?? .null, "snapshot": .string(snapshot.id),
            "files": .number(Double(entries.count)), "new": .number(Double(entries.filter { $0.change == "new" }.count)),
            "changed": .number(Double(entries.filter { $0.change == "changed" }.count)), "removed": .number(Double(removed.count)),
            "bytes": .number(Double(bytes)), "hashed": .number(Double(walk.hashed)),
            "signedBy": signature.map { .string($0.keyID) } ?? .null,
        ])
        let artifact = try context.publishArtifact(file, name: name, details: details)
        try PackageHistory.record(entries, archive: artifact.name, snapshot: snapshot.id, at: now, records: context.records)
        var stored = snapshot
        stored.archive = artifact.name
        try context.records.put(Self.snapshots, try RecordWrite(key: stored.id, value: stored, stamp: Int64(now.timeIntervalSince1970 * 1000)))
        var outcome = details.objectValue ?? [:]
        outcome["artifact"] = .object(["id": .string(artifact.id), "name": .string(artifact.name), "size": .number(Double(artifact.size)), "sha256": .string(artifact.sha256)])
        return .done(
            summary: "\(name): \(entries.count) file(s) (\(ByteCountFormatter.string(fromByteCount: bytes, countStyle: .file))), \(removed.count) removed, since \(baseline?.id ?? "an empty baseline")",
            details: .object(outcome))
    }

    /// The manifest's signature, when the config names a key; a named key that is missing fails
    /// the build rather than making an unsigned archive the offline side would refuse.
    private func sign(_ manifest: DiffManifest) throws -> DiffSignature? {
        guard let env = signingKeyEnv else { return nil }
        guard let key = context.env[env], !key.isEmpty else {
            throw FerryError.invalid("source.config.signingKeyEnv", "the workload's env has no \(env); set it (secret) to the private key from `ferry npm keygen`")
        }
        return try DiffSignature.sign(try manifest.encoded(), privateKey: key, field: "env.\(env)")
    }

    private func pack(_ manifest: DiffManifest, signature: DiffSignature?, name: String, sources: [String: FileIndex.FileState], to file: URL, totalBytes: Int64) throws {
        let writer = try TarZstWriter(file: file)
        try writer.add(path: "manifest.json", data: try manifest.encoded(), mtime: manifest.createdAt)
        if let signature {
            try writer.add(path: DiffSignature.fileName, data: try JSONEncoder().encode(signature), mtime: manifest.createdAt)
        }
        try writer.add(path: "README.md", data: Data(manifest.readme(archiveName: name).utf8), mtime: manifest.createdAt)
        var done: Int64 = 0
        for (i, entry) in manifest.files.enumerated() {
            if i % 200 == 0 {
                try context.checkCancellation()
                context.progress(totalBytes == 0 ? nil : Double(done) / Double(totalBytes), "packing \(i) of \(manifest.files.count) files")
            }
            let mtime = Date(timeIntervalSince1970: Double(sources[entry.path]?.mtime ?? 0) / 1e9)
            try writer.add(path: "storage/" + entry.path, from: layout.root.appendingPathComponent(entry.path), size: entry.size, mtime: mtime)
            done += entry.size
        }
        try writer.finish()
    }

    private func loadBaseline(_ requested: String?) throws -> Snapshot? {
        if let requested, !requested.isEmpty, requested != "latest" {
            if requested == "none" { return nil }
            guard let snapshot = try context.records.value(Snapshot.self, in: Self.snapshots, key: requested) else {
                let known = try context.records.list(RecordQuery(collection: Self.snapshots, order: .stampDescending, limit: 5)).map(\.key)
                throw FerryError(.invalidInput, "params.baseline: no snapshot \"\(requested)\"; recent ones: \(known.isEmpty ? "none" : known.joined(separator: ", "))",
                                 field: "params.baseline")
            }
            return snapshot
        }
        return try context.records.list(RecordQuery(collection: Self.snapshots, order: .stampDescending, limit: 1)).first?.decode(Snapshot.self)
    }

    /// `diff-YYYYMMDDHHmm.tar.zst`; a second diff within the same minute gets `-2`, `-3`, …
    /// so it never replaces the first.
    private func archiveName(_ stamp: String) throws -> String {
        let base = "diff-\(stamp.prefix(12))"
        let taken = Set(try context.records.list(RecordQuery(collection: Self.snapshots, order: .stampDescending, limit: 20))
            .compactMap { try? $0.decode(Snapshot.self).archive })
        var name = base + ".tar.zst"
        var n = 1
        while taken.contains(name) {
            n += 1
            name = "\(base)-\(n).tar.zst"
        }
        return name
    }

    /// `YYYYMMDDHHmmss` in UTC.
    static func stamp(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMddHHmmss"
        return formatter.string(from: date)
    }
}

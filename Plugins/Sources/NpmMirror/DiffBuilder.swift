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

    /// Bytes per part (`part-size`, `partSize`); nil: one archive.
    var partSize: Int64?

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
        // Unique even for two diff-builds of one job in one second (a refresh with `diff`, then
        // another): a snapshot with its baseline's id would overwrite the baseline's record.
        let snapshot = Snapshot(
            id: "s-\(stamp)-\(context.jobID.suffix(6))-\(String(UInt16.random(in: .min ... .max), radix: 16))", createdAt: now, files: walk.files, archive: nil)
        let name = try archiveName(stamp)
        let manifest = DiffManifest(
            format: DiffManifest.format, workload: context.workload.name, baseline: baseline?.id, baselineArchive: baseline?.archive, snapshot: snapshot.id,
            createdAt: now, files: entries, removed: removed)
        let file = context.scratchDirectory.appendingPathComponent(name)
        let bytes = entries.reduce(Int64(0)) { $0 + $1.size }
        try DiskRoom.check(context.scratchDirectory, needs: bytes, for: "the diff archive")
        let signature = try sign(manifest)
        if let partSize, bytes > partSize {
            return try buildParts(manifest, signature: signature, name: name, snapshot: snapshot, sources: sources, limit: partSize, baseline: baseline, hashed: walk.hashed)
        }
        try pack(manifest, signature: signature, name: name, files: manifest.files, membership: nil, sources: sources, to: file, totalBytes: bytes)
        let details: JSONValue = .object([
            "baseline": baseline.map { .string($0.id) } ?? .null, "snapshot": .string(snapshot.id),
            "files": .number(Double(entries.count)), "new": .number(Double(entries.filter { $0.change == "new" }.count)),
            "changed": .number(Double(entries.filter { $0.change == "changed" }.count)), "removed": .number(Double(removed.count)),
            "bytes": .number(Double(bytes)), "hashed": .number(Double(walk.hashed)),
            "signedBy": signature.map { .string($0.keyID) } ?? .null,
        ])
        let artifact = try context.publishArtifact(file, name: name, details: details)
        try finish(snapshot, archive: artifact.name, files: entries)
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

    /// The snapshot is stored only once every archive is published; the packages it touched
    /// get this diff in their history.
    private func finish(_ snapshot: Snapshot, archive: String, files: [DiffManifest.File]) throws {
        try PackageHistory.record(files, archive: archive, snapshot: snapshot.id, at: snapshot.createdAt, records: context.records)
        var stored = snapshot
        stored.archive = archive
        try context.records.put(Self.snapshots, try RecordWrite(key: stored.id, value: stored, stamp: Int64(snapshot.createdAt.timeIntervalSince1970 * 1000)))
        try MirrorGrowth.record(MirrorGrowth(
            snapshot: snapshot.id, archive: archive, at: snapshot.createdAt, storageBytes: snapshot.files.reduce(0) { $0 + $1.size },
            storageFiles: snapshot.files.count, diffBytes: files.reduce(0) { $0 + $1.size }, diffFiles: files.count), records: context.records)
    }

    /// A diff larger than `limit` as parts of at most `limit` bytes each, every one a complete
    /// archive with the whole (signed) manifest and its own `part.json`, plus the index naming
    /// them all with their sizes and sha256s (signed too).
    private func buildParts(
        _ manifest: DiffManifest, signature: DiffSignature?, name: String, snapshot: Snapshot, sources: [String: FileIndex.FileState],
        limit: Int64, baseline: Snapshot?, hashed: Int
    ) throws -> ActionOutcome {
        let base = String(name.dropLast(".tar.zst".count))
        let groups = DiffPartIndex.split(manifest.files, limit: limit)
        var parts: [DiffPartIndex.Part] = []
        for (i, group) in groups.enumerated() {
            let partName = DiffPartIndex.partName(base, i + 1, of: groups.count)
            let file = context.scratchDirectory.appendingPathComponent(partName)
            let membership = DiffPartIndex.Membership(snapshot: manifest.snapshot, part: i + 1, of: groups.count, files: group.map(\.path))
            try pack(manifest, signature: signature, name: partName, files: group, membership: membership, sources: sources, to: file,
                     totalBytes: group.reduce(0) { $0 + $1.size })
            let artifact = try context.publishArtifact(file, name: partName, details: .object([
                "snapshot": .string(manifest.snapshot), "part": .number(Double(i + 1)), "of": .number(Double(groups.count)), "files": .number(Double(group.count)),
            ]))
            parts.append(DiffPartIndex.Part(name: partName, size: artifact.size, sha256: artifact.sha256, files: group.count))
        }
        let index = DiffPartIndex(
            format: DiffPartIndex.format, workload: manifest.workload, snapshot: manifest.snapshot, baseline: manifest.baseline,
            baselineArchive: manifest.baselineArchive, manifestSHA256: DiffGate.sha256(of: try manifest.encoded()), parts: parts)
        let indexName = base + ".index.json"
        let indexFile = context.scratchDirectory.appendingPathComponent(indexName)
        let indexBytes = try index.encoded()
        try indexBytes.write(to: indexFile)
        let indexArtifact = try context.publishArtifact(indexFile, name: indexName, details: .object(["snapshot": .string(manifest.snapshot), "parts": .number(Double(parts.count))]))
        if let env = signingKeyEnv, let key = context.env[env] {
            let sigFile = context.scratchDirectory.appendingPathComponent(base + ".index.sig")
            try JSONEncoder().encode(try DiffSignature.sign(indexBytes, privateKey: key, field: "env.\(env)")).write(to: sigFile)
            _ = try context.publishArtifact(sigFile, name: base + ".index.sig", details: .object([:]))
        }
        try finish(snapshot, archive: indexArtifact.name, files: manifest.files)
        let bytes = manifest.files.reduce(Int64(0)) { $0 + $1.size }
        return .done(
            summary: "\(indexName): \(manifest.files.count) file(s) in \(parts.count) parts of at most \(ByteCount.text(Int(limit))), since \(baseline?.id ?? "an empty baseline")",
            details: .object([
                "baseline": baseline.map { .string($0.id) } ?? .null, "snapshot": .string(snapshot.id), "files": .number(Double(manifest.files.count)),
                "removed": .number(Double(manifest.removed.count)), "bytes": .number(Double(bytes)), "hashed": .number(Double(hashed)),
                "index": .string(indexName), "parts": .array(parts.map { .string($0.name) }), "signedBy": signature.map { .string($0.keyID) } ?? .null,
            ]))
    }

    private func pack(
        _ manifest: DiffManifest, signature: DiffSignature?, name: String, files: [DiffManifest.File], membership: DiffPartIndex.Membership?,
        sources: [String: FileIndex.FileState], to file: URL, totalBytes: Int64
    ) throws {
        let writer = try TarZstWriter(file: file)
        try writer.add(path: "manifest.json", data: try manifest.encoded(), mtime: manifest.createdAt)
        if let signature {
            try writer.add(path: DiffSignature.fileName, data: try JSONEncoder().encode(signature), mtime: manifest.createdAt)
        }
        if let membership {
            try writer.add(path: DiffPartIndex.partFileName, data: try JSONEncoder().encode(membership), mtime: manifest.createdAt)
        }
        try writer.add(path: "README.md", data: Data(manifest.readme(archiveName: name).utf8), mtime: manifest.createdAt)
        var done: Int64 = 0
        for (i, entry) in files.enumerated() {
            if i % 200 == 0 {
                try context.checkCancellation()
                context.progress(totalBytes == 0 ? nil : Double(done) / Double(totalBytes), "packing \(i) of \(files.count) files of \(name)")
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

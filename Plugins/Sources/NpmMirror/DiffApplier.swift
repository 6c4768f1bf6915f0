import Crypto
import FerryCore
import Foundation

/// The offline side of a diff (`ferry npm apply`): unpacks a `diff-*.tar.zst` into a staging
/// folder inside the storage, checks it completely — every entry a plain file under `storage/`
/// with a safe path, every file listed in `manifest.json` with its size and sha512, nothing
/// missing, nothing extra — and only then moves files into place, each with one `rename(2)`,
/// tarballs before the packuments that name them. Files already identical are left alone, so
/// applying an archive twice changes nothing the second time. Needs no server and no records.
public struct DiffApplier {
    public struct Report: Sendable {
        public var manifest: DiffManifest
        public var dryRun: Bool
        /// Paths written (or, in a dry run, that would be).
        public var written: [String] = []
        public var unchanged: [String] = []
        public var removed: [String] = []
        /// How the archive was trusted, and by which key when signed.
        public var trust = "insecure"
        public var signer: String?
        /// The storage already had this diff's snapshot: nothing was done.
        public var alreadyApplied = false
        /// Applied although its baseline is not in the import history (`force`).
        public var forced = false
        /// Said once to the person applying (no history yet, …).
        public var notes: [String] = []
        /// Only `.verdaccio-db.json` is read at start-up; everything else Verdaccio reads per request.
        public var restartNeeded: Bool { written.contains(".verdaccio-db.json") || removed.contains(".verdaccio-db.json") }
    }

    public let storage: URL
    public let trust: DiffTrust
    /// Apply even when the diff's baseline is not in the storage's import history.
    public let force: Bool

    public init(storage: URL, trust: DiffTrust = .insecure, force: Bool = false) {
        self.storage = storage.standardizedFileURL
        self.trust = trust
        self.force = force
    }

    public func apply(archive: URL, dryRun: Bool) throws -> Report {
        let realRoot = try storageRoot()
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: archive.path, isDirectory: &isDirectory), isDirectory.boolValue {
            return try applyParts(folder: archive, dryRun: dryRun, realRoot: realRoot)
        }
        guard FileManager.default.isReadableFile(atPath: archive.path) else {
            throw FerryError(.invalidInput, "\(archive.path): no such archive", field: "archive")
        }
        // Who vouches for it, what it is, whether it fits: all before anything is written.
        let gate = try DiffGate(archive: archive, trust: trust).open()
        var report = Report(manifest: gate.manifest, dryRun: dryRun)
        report.trust = gate.trustLabel
        report.signer = gate.signer
        guard try begin(&report, needs: gate.manifest, what: archive.lastPathComponent) else { return report }
        if !dryRun { removeAbandonedStaging() }
        let staging = storage.appendingPathComponent("\(Self.stagingPrefix)\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: false)
        defer { try? FileManager.default.removeItem(at: staging) }

        let (manifest, staged) = try unpack(archive, into: staging, expecting: gate.manifestBytes)
        try check(manifest, staged)
        return try install(manifest, staged: staged, report: report, realRoot: realRoot, archive: archive.lastPathComponent, sha256: gate.sha256)
    }

    /// The storage folder, resolved; it must exist.
    func storageRoot() throws -> String {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: storage.path, isDirectory: &isDirectory), isDirectory.boolValue,
              let realRoot = realPath(storage.path)
        else { throw FerryError(.invalidInput, "--storage: \(storage.path) is not a folder", field: "storage") }
        return realRoot
    }

    /// History and room, before anything is staged; false when the snapshot is already applied.
    func begin(_ report: inout Report, needs manifest: DiffManifest, what: String) throws -> Bool {
        let imports = try DiffImportHistory(storage: storage).imports()
        if let earlier = imports.first(where: { $0.snapshot == manifest.snapshot }) {
            report.alreadyApplied = true
            report.notes.append("snapshot \(manifest.snapshot) was applied at \(earlier.appliedAt.formatted(.iso8601)) from \(earlier.archive); nothing to do")
            return false
        }
        try checkOrder(manifest, imports: imports, report: &report)
        try DiskRoom.check(storage, needs: manifest.files.reduce(Int64(0)) { $0 + $1.size }, for: "unpacking \(what)")
        return true
    }

    /// Moves verified staged files into place (tarballs before packuments), removes what the
    /// diff removed, and records the import.
    func install(_ manifest: DiffManifest, staged: [String: StagedFile], report: Report, realRoot: String, archive: String, sha256: String) throws -> Report {
        var report = report
        let dryRun = report.dryRun
        var moves: [(StagedFile, URL, String)] = []
        for file in manifest.files {
            let target = storage.appendingPathComponent(file.path)
            try checkTarget(target, path: file.path, realRoot: realRoot)
            if let existing = try? Data(contentsOf: target, options: .alwaysMapped), TarballDigest.sha512Hex(existing) == file.sha512 {
                report.unchanged.append(file.path)
            } else {
                moves.append((staged[file.path]!, target, file.path))
            }
        }
        var removals: [URL] = []
        for path in manifest.removed {
            let target = storage.appendingPathComponent(path)
            try checkTarget(target, path: path, realRoot: realRoot)
            if FileManager.default.fileExists(atPath: target.path) {
                removals.append(target)
                report.removed.append(path)
            }
        }
        // Tarballs first, then packuments: a reader never sees a version whose tarball is not there.
        moves.sort { ($0.2.hasSuffix("/package.json") ? 1 : 0, $0.2) < ($1.2.hasSuffix("/package.json") ? 1 : 0, $1.2) }
        report.written = moves.map(\.2)
        guard !dryRun else { return report }
        for (staged, target, _) in moves {
            try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            try? FileManager.default.setAttributes([.modificationDate: staged.mtime, .posixPermissions: 0o644], ofItemAtPath: staged.url.path)
            try StorageLayout.rename(staged.url, to: target)
        }
        for target in removals { try FileManager.default.removeItem(at: target) }
        try DiffImportHistory(storage: storage).record(DiffImportHistory.Import(
            archive: archive, sha256: sha256, signer: report.signer, trust: report.trust, baseline: manifest.baseline,
            snapshot: manifest.snapshot, appliedAt: Date(), files: manifest.files.count, bytes: manifest.files.reduce(0) { $0 + $1.size },
            forced: report.forced))
        return report
    }

    /// A diff applies on top of the snapshot it was built against. An empty history on a storage
    /// that already holds packages is a mirror set up before histories existed: ordering is
    /// checked from this import on.
    private func checkOrder(_ manifest: DiffManifest, imports: [DiffImportHistory.Import], report: inout Report) throws {
        guard let baseline = manifest.baseline else { return }
        if imports.contains(where: { $0.snapshot == baseline }) { return }
        let missing = manifest.baselineArchive.map { "\($0) (snapshot \(baseline))" } ?? "the diff that made snapshot \(baseline)"
        if imports.isEmpty, !StorageLayout(root: storage).packageNames().isEmpty {
            report.notes.append("the storage has no import history yet; diffs are checked for order from this one on")
            return
        }
        if force {
            report.forced = true
            report.notes.append("applied without its baseline \(missing) (--force), recorded as forced")
            return
        }
        let at = imports.last.map { "it is at snapshot \($0.snapshot) from \($0.archive)" } ?? "it has had no diff applied"
        throw FerryError(
            .conflict, "archive refused, nothing changed: it was built on snapshot \(baseline), which this storage has not applied (\(at)); apply \(missing) first, or add --force",
            field: "archive")
    }

    /// Staging folders are `<prefix><pid>-<random>` inside the storage.
    static let stagingPrefix = ".ferry-apply.tmp-"

    /// An apply killed before its `defer` ran (`kill -9`, a power cut) leaves its staging folder,
    /// with part of the archive in it; the next apply removes every one whose process is gone,
    /// so running the interrupted apply again leaves nothing behind. A live apply's stays.
    private func removeAbandonedStaging() {
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: storage.path)) ?? [] where entry.hasPrefix(Self.stagingPrefix) {
            let parts = entry.dropFirst(Self.stagingPrefix.count).split(separator: "-")
            if parts.count == 2, let owner = pid_t(parts[0]), kill(owner, 0) == 0 || errno == EPERM { continue }
            try? FileManager.default.removeItem(at: storage.appendingPathComponent(entry))
        }
    }

    struct StagedFile {
        var url: URL
        var size: Int64
        var sha512: String
        var mtime: Date
    }

    /// Reads the whole archive; any entry that is not a plain file at a safe path refuses it.
    func unpack(_ archive: URL, into staging: URL, expecting manifestBytes: Data) throws -> (DiffManifest, [String: StagedFile]) {
        let reader = try TarZstReader(file: archive)
        var manifestData: Data?
        var staged: [String: StagedFile] = [:]
        while let entry = try reader.next() {
            let name = entry.path.hasPrefix("./") ? String(entry.path.dropFirst(2)) : entry.path
            if entry.kind == .directory {
                // Folders (GNU tar lists them) create nothing by themselves; only their names are checked.
                var folder = Substring(name)
                while folder.hasSuffix("/") { folder = folder.dropLast() }
                if folder != "storage" {
                    guard folder.hasPrefix("storage/") else { throw refuse("unexpected folder \"\(entry.path)\"") }
                    try Self.checkPath(String(folder.dropFirst("storage/".count)), entry: entry.path)
                }
                try reader.skipData()
                continue
            }
            guard entry.kind == .file else {
                throw refuse("entry \"\(entry.path)\" is a \(entry.kind == .symlink ? "symbolic link" : entry.kind == .hardlink ? "hard link" : "special file"); diffs hold plain files only")
            }
            switch name {
            case "manifest.json":
                guard manifestData == nil else { throw refuse("\"manifest.json\" appears twice") }
                var data = Data()
                try reader.readData { data.append(contentsOf: $0) }
                guard data == manifestBytes else { throw refuse("manifest.json is not the one that was checked") }
                manifestData = data
            case "README.md", DiffSignature.fileName, DiffPartIndex.partFileName:
                try reader.skipData()
            default:
                guard name.hasPrefix("storage/") else { throw refuse("unexpected entry \"\(entry.path)\"; a diff holds manifest.json, README.md and storage/…") }
                let path = String(name.dropFirst("storage/".count))
                try Self.checkPath(path, entry: entry.path)
                try Self.checkNotVerdaccioState(path, entry: entry.path)
                guard staged[path] == nil else { throw refuse("\"\(entry.path)\" appears twice") }
                let url = staging.appendingPathComponent(String(staged.count))
                guard FileManager.default.createFile(atPath: url.path, contents: nil), let handle = FileHandle(forWritingAtPath: url.path) else {
                    throw FerryError(.failed, "could not write to \(staging.path); is the storage folder writable?")
                }
                var hasher = SHA512()
                var size: Int64 = 0
                try reader.readData { chunk in
                    hasher.update(bufferPointer: chunk)
                    try handle.write(contentsOf: chunk)
                    size += Int64(chunk.count)
                }
                try handle.close()
                staged[path] = StagedFile(url: url, size: size, sha512: TarballDigest.hex(Array(hasher.finalize())), mtime: entry.mtime)
            }
        }
        guard let manifestData else { throw refuse("it has no manifest.json") }
        return (try DiffManifest.decode(manifestData), staged)
    }

    /// The archive's files must be exactly the manifest's, byte for byte.
    func check(_ manifest: DiffManifest, _ staged: [String: StagedFile]) throws {
        var listed = Set<String>()
        for file in manifest.files {
            try Self.checkPath(file.path, entry: "manifest.json")
            guard listed.insert(file.path).inserted else { throw refuse("manifest.json lists \(file.path) twice") }
            guard let got = staged[file.path] else { throw refuse("manifest.json lists storage/\(file.path), which the archive does not hold") }
            guard got.size == file.size else { throw refuse("storage/\(file.path) is \(got.size) bytes, manifest.json says \(file.size)") }
            guard got.sha512 == file.sha512.lowercased() else { throw refuse("storage/\(file.path) does not match its sha512 in manifest.json") }
        }
        if let extra = staged.keys.sorted().first(where: { !listed.contains($0) }) {
            throw refuse("storage/\(extra) is not listed in manifest.json")
        }
        for path in manifest.removed {
            try Self.checkPath(path, entry: "manifest.json removed")
            try Self.checkNotVerdaccioState(path, entry: "manifest.json removed")
        }
    }

    /// Verdaccio's own state (its package list, users, tokens) belongs to each side; a diff that
    /// carries it would replace the offline side's users or hide its packages.
    static let verdaccioState: Set = [".verdaccio-db.json", ".sinopia-db.json", "htpasswd", ".token-db.json"]

    static func checkNotVerdaccioState(_ path: String, entry: String) throws {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        guard !verdaccioState.contains(name) else {
            throw FerryError(.invalidInput, "archive refused, nothing changed: \"\(entry)\" is Verdaccio's own state (\(name)), which a diff never carries", field: "archive")
        }
    }

    /// A relative path of plain names (Core's `RelativePath`: no `..`, `.`, empty parts, absolute
    /// paths, NULs or control characters).
    static func checkPath(_ path: String, entry: String) throws {
        guard (try? RelativePath(path, what: "archive entry")) != nil else {
            throw FerryError(.invalidInput, "archive refused, nothing changed: \"\(entry)\" would write outside the storage (\"\(path)\")", field: "archive")
        }
    }

    /// The target's nearest existing ancestor must really lie inside the storage (no symlinked
    /// folder leading elsewhere), and the target itself must be a plain file or absent.
    private func checkTarget(_ target: URL, path: String, realRoot: String) throws {
        var probe = target.deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: probe.path) { probe.deleteLastPathComponent() }
        guard let real = realPath(probe.path), real == realRoot || real.hasPrefix(realRoot + "/") else {
            throw refuse("\(path) would land outside the storage through a symbolic link")
        }
        if let type = (try? FileManager.default.attributesOfItem(atPath: target.path))?[.type] as? FileAttributeType, type != .typeRegular {
            throw refuse("\(target.path) exists and is not a plain file")
        }
    }

    func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    func refuse(_ reason: String) -> FerryError {
        FerryError(.invalidInput, "archive refused, nothing changed: \(reason)", field: "archive")
    }
}

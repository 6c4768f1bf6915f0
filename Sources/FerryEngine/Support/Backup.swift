import FerryCore
import FerryStore
import Foundation

/// `ferry backup` and `ferry restore`: a data directory in one tar file. The store is copied
/// with SQLite's online backup API, so a running server keeps accepting webhooks meanwhile;
/// builds, state, artifacts and logs come along with `withBuilds`, copied after the store (a
/// deploy landing in between leaves `current` ahead of the store, which the reconciler repairs
/// on the restored server's first pass); the secret key only with
/// `withKey`, and the manifest says which. The archive is written under a `.partial` name and
/// renamed when complete, so a full disk never leaves a truncated file under the final name.
public enum Backup {
    public struct Manifest: Codable, Sendable {
        public var format = "ferry-backup/1"
        public var ferryVersion = FerryVersion.current
        public var createdAt: Date
        public var database: String
        public var databaseSHA256: String
        public var databaseBytes: Int
        /// Without it, sealed env values cannot be opened after a restore.
        public var secretKeyIncluded: Bool
        public var buildsIncluded: Bool
        public var note: String
    }

    static let manifestName = "ferry-backup.json"
    /// Folders of the data directory `withBuilds` adds (never `tmp/`).
    static let fileFolders = ["workloads", "objects", "artifacts", "logs"]

    public static func create(
        dataDirectory: URL, to destination: URL, withKey: Bool, withBuilds: Bool, now: Date = Date(), progress: (String) -> Void = { _ in }
    ) throws -> Manifest {
        let paths = FerryPaths(root: dataDirectory)
        let fm = FileManager.default
        let staging = destination.deletingLastPathComponent().appendingPathComponent(".\(destination.lastPathComponent).staging-\(UUID().uuidString.prefix(8))")
        let partial = destination.deletingLastPathComponent().appendingPathComponent(destination.lastPathComponent + ".partial")
        defer { try? fm.removeItem(at: staging) }
        do {
            try fm.createDirectory(at: staging, withIntermediateDirectories: true)
            progress("copying the store (SQLite online backup)")
            let copy = staging.appendingPathComponent(paths.database.lastPathComponent)
            try FerryDatabase.backup(databaseAt: paths.database.path, to: copy.path)
            if withKey {
                guard fm.fileExists(atPath: paths.secretKey.path) else {
                    throw FerryError(.notFound, "--with-key: \(paths.secretKey.path) does not exist (is the key in FERRY_SECRET_KEY?)")
                }
                try fm.copyItem(at: paths.secretKey, to: staging.appendingPathComponent(paths.secretKey.lastPathComponent))
            }
            let size = (try fm.attributesOfItem(atPath: copy.path)[.size] as? Int) ?? 0
            let manifest = Manifest(
                createdAt: now, database: copy.lastPathComponent, databaseSHA256: try ManifestBuilder.sha256(ofFile: copy.path), databaseBytes: size,
                secretKeyIncluded: withKey, buildsIncluded: withBuilds,
                note: withKey
                    ? "this file holds the secret key: whoever has it can read every sealed env value; keep it like the key itself"
                    : "the secret key is not in this file: restore it beside the data (secret.key or FERRY_SECRET_KEY) or sealed env values cannot be opened")
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            encoder.dateEncodingStrategy = .iso8601
            try encoder.encode(manifest).write(to: staging.appendingPathComponent(manifestName))

            var arguments = ["tar", "-cf", partial.path, "-C", staging.path, manifestName, copy.lastPathComponent]
            if withKey { arguments.append(paths.secretKey.lastPathComponent) }
            if withBuilds {
                let folders = fileFolders.filter { fm.fileExists(atPath: dataDirectory.appendingPathComponent($0).path) }
                // A build's `content/` exists only while its job runs (the engine moves it into
                // objects/ and removes it) and objects/tmp only during a write: neither is part
                // of any finished build, and both change under tar's feet during a deploy.
                if !folders.isEmpty {
                    arguments += ["--exclude=workloads/*/builds/*/\(BuildManifest.contentFolder)", "--exclude=objects/tmp", "-C", dataDirectory.path] + folders
                }
                progress("adding \(folders.joined(separator: ", "))")
            }
            try tar(arguments, what: "writing \(partial.path)")
            try fsync(partial)
            if fm.fileExists(atPath: destination.path) { try fm.removeItem(at: destination) }
            try fm.moveItem(at: partial, to: destination)
            return manifest
        } catch {
            try? fm.removeItem(at: partial)
            throw Self.explained(error, "cannot write the backup \(destination.path)")
        }
    }

    /// Foundation's file errors say "(null)" on Linux; the POSIX reason underneath is what a
    /// person can act on.
    static func explained(_ error: any Error, _ doing: String) -> FerryError {
        if let ferry = error as? FerryError { return ferry }
        let ns = error as NSError
        let underlying = (ns.userInfo[NSUnderlyingErrorKey] as? any Error).map { $0 as NSError }
        let posix = [underlying, ns].compactMap { $0 }.first { $0.domain == NSPOSIXErrorDomain }?.code
        let reason = posix.map { String(cString: strerror(Int32($0))) } ?? "\(error)"
        return FerryError(.failed, "\(doing): \(reason)", cause: error)
    }

    /// Unpacks `archive` into a staging folder beside `dataDirectory`, checks the manifest, the
    /// store's sha256 and its integrity, and only then puts it in place. A non-empty data
    /// directory is refused unless `force`; then it is kept as `DIR.before-restore-…`.
    public static func restore(_ archive: URL, into dataDirectory: URL, force: Bool, now: Date = Date()) throws -> (Manifest, kept: URL?) {
        do { return try unpack(archive, into: dataDirectory, force: force, now: now) } catch {
            throw Self.explained(error, "cannot restore into \(dataDirectory.path)")
        }
    }

    private static func unpack(_ archive: URL, into dataDirectory: URL, force: Bool, now: Date) throws -> (Manifest, kept: URL?) {
        let fm = FileManager.default
        guard fm.fileExists(atPath: archive.path) else { throw FerryError(.notFound, "\(archive.path) does not exist") }
        let existing = (try? fm.contentsOfDirectory(atPath: dataDirectory.path)) ?? []
        if !existing.isEmpty, !force {
            throw FerryError(.conflict, "\(dataDirectory.path) is not empty (\(existing.count) entries); restore into an empty folder, or add --force to keep the old one aside")
        }
        let parent = dataDirectory.deletingLastPathComponent()
        try fm.createDirectory(at: parent, withIntermediateDirectories: true)
        let staging = parent.appendingPathComponent(".\(dataDirectory.lastPathComponent).restoring-\(UUID().uuidString.prefix(8))")
        defer { try? fm.removeItem(at: staging) }
        try fm.createDirectory(at: staging, withIntermediateDirectories: true)
        try tar(["tar", "-xf", archive.path, "-C", staging.path, "--no-same-owner"], what: "reading \(archive.path)")

        let manifestURL = staging.appendingPathComponent(manifestName)
        guard let data = fm.contents(atPath: manifestURL.path) else {
            throw FerryError(.invalidInput, "\(archive.lastPathComponent) is not a Ferry backup: it has no \(manifestName)")
        }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let manifest: Manifest
        do { manifest = try decoder.decode(Manifest.self, from: data) } catch {
            throw FerryError(.invalidInput, "\(archive.lastPathComponent): \(manifestName) is unreadable: \(error)")
        }
        guard manifest.format == "ferry-backup/1" else {
            throw FerryError(.invalidInput, "\(archive.lastPathComponent): format \(manifest.format) is not one this Ferry reads (ferry-backup/1)")
        }
        let store = staging.appendingPathComponent(manifest.database)
        guard manifest.database == "ferry.sqlite", fm.fileExists(atPath: store.path) else {
            throw FerryError(.invalidInput, "\(archive.lastPathComponent): the store \(manifest.database) is missing")
        }
        let digest = try ManifestBuilder.sha256(ofFile: store.path)
        guard digest == manifest.databaseSHA256 else {
            throw FerryError(.invalidInput, "\(archive.lastPathComponent): the store's sha256 is \(digest), the manifest says \(manifest.databaseSHA256)")
        }
        if let problem = FerryDatabase.integrityProblem(at: store.path) {
            throw FerryError(.invalidInput, "\(archive.lastPathComponent): the store fails SQLite's integrity check: \(problem)")
        }
        try fm.removeItem(at: manifestURL)

        var kept: URL?
        if fm.fileExists(atPath: dataDirectory.path) {
            if existing.isEmpty {
                try fm.removeItem(at: dataDirectory)
            } else {
                let stamp = Int(now.timeIntervalSince1970)
                let aside = parent.appendingPathComponent("\(dataDirectory.lastPathComponent).before-restore-\(stamp)")
                try fm.moveItem(at: dataDirectory, to: aside)
                kept = aside
            }
        }
        try fm.moveItem(at: staging, to: dataDirectory)
        return (manifest, kept)
    }

    private static func tar(_ arguments: [String], what: String) throws {
        let result: (status: Int32, stdout: Data, stderr: Data)
        do {
            result = try ChildProcess.run(arguments, environment: ProcessInfo.processInfo.environment)
        } catch {
            throw FerryError(.unavailable, "cannot run tar: \(error)", cause: error)
        }
        guard result.status == 0 else {
            let message = String(decoding: result.stderr, as: UTF8.self)
            throw FerryError(.failed, "\(what) failed: \(message.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
    }

    private static func fsync(_ url: URL) throws {
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        try handle.synchronize()
    }
}

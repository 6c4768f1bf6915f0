import CSpawn
import Crypto
import FerryCore
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The content-addressed store of every build's bytes: `objects/sha256/ab/cdef…`.
///
/// An object is named by the sha256 of its bytes, hashed as it is taken in, made durable
/// (fsync) and renamed into place, so a name always holds whole bytes; it is read-only and never
/// changed afterwards. Builds only list objects, so two builds with the same file share it, and
/// a deploy stores only the files whose bytes are new.
public struct ObjectStore: Sendable {
    public let root: URL

    public init(root: URL) { self.root = root }

    public func path(_ sha256: String) -> String { LiveBuild.objectPath(sha256, in: root.path) }

    /// Whether the object is there with `size` bytes (one stat; what activation checks).
    public func has(_ sha256: String, size: Int64) -> Bool {
        var info = stat()
        return stat(path(sha256), &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG && Int64(info.st_size) == size
    }

    /// What `ingest` made of one file.
    public struct Ingested: Sendable {
        public var sha256: String
        public var size: Int64
        /// Whether it was a new object (false: the bytes were stored already).
        public var stored: Bool
    }

    /// Takes in files a source wrote (they are moved, not copied): each is hashed and made
    /// read-only, then the file system is synced once, then each is renamed to its name (or
    /// dropped, when that object exists already), then synced again. So an object's name never
    /// appears before its bytes are on disk, at the cost of two syncs per build instead of one
    /// per file — the difference between seconds and many minutes for 120,000 files.
    public func ingest(_ files: [String], progress: (Int) -> Void = { _ in }) throws -> [Ingested] {
        var found: [(file: String, sha256: String, size: Int64)] = []
        found.reserveCapacity(files.count)
        for (i, file) in files.enumerated() {
            let fd = open(file, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { throw FerryError(.failed, "cannot read \(file): \(Self.reason())") }
            defer { close(fd) }
            var info = stat()
            guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
                throw FerryError(.failed, "\(file) is not a regular file")
            }
            found.append((file, try Self.hash(fd), Int64(info.st_size)))
            fchmod(fd, 0o444)
            if i % 500 == 499 { progress(i + 1) }
        }
        try syncFileSystem()
        var out: [Ingested] = []
        out.reserveCapacity(found.count)
        for item in found {
            let target = path(item.sha256)
            if access(target, F_OK) == 0 {
                // Touched, so the collector's grace spares it until the build listing it is recorded.
                utimensat(AT_FDCWD, target, nil, 0)
                unlink(item.file)
                out.append(Ingested(sha256: item.sha256, size: item.size, stored: false))
                continue
            }
            try makeFolder(for: target)
            if rename(item.file, target) != 0 {
                guard errno == EXDEV else { throw Self.writeError(target) }
                // Another file system (a volume): copy through a temp file of the store.
                try put(contentsOf: item.file, sha256: item.sha256)
                unlink(item.file)
            }
            out.append(Ingested(sha256: item.sha256, size: item.size, stored: true))
        }
        if out.contains(where: \.stored) { try syncFileSystem() }
        return out
    }

    /// syncfs(2) of the store's file system: every write so far is on disk.
    private func syncFileSystem() throws {
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let fd = open(root.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw Self.writeError(root.path) }
        defer { close(fd) }
        let code = ferry_syncfs(fd)
        guard code == 0 else {
            errno = code
            throw Self.writeError(root.path)
        }
    }

    /// Stores bytes (a migrated or healed file): temp file, fsync, rename.
    @discardableResult
    public func put(_ bytes: [UInt8]) throws -> String {
        let sha256 = Hex.string(SHA256.hash(data: bytes))
        guard access(path(sha256), F_OK) != 0 else { return sha256 }
        let temp = try temporaryFile()
        let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o444)
        guard fd >= 0 else { throw Self.writeError(temp) }
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + written, bytes.count - written) }
            if n < 0, errno == EINTR { continue }
            guard n > 0 else { close(fd); unlink(temp); throw Self.writeError(temp) }
            written += n
        }
        try finish(fd: fd, temp: temp, sha256: sha256)
        return sha256
    }

    /// Re-reads an object and says whether its bytes still hash to its name (the scrub).
    public func verify(_ sha256: String) -> Bool {
        let fd = open(path(sha256), O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        return (try? Self.hash(fd)) == sha256
    }

    /// Every object's name, for mark-and-sweep.
    public func all() -> [String] {
        let fm = FileManager.default
        let base = root.appendingPathComponent("sha256").path
        var names: [String] = []
        for fan in (try? fm.contentsOfDirectory(atPath: base)) ?? [] where fan.count == 2 {
            for rest in (try? fm.contentsOfDirectory(atPath: base + "/" + fan)) ?? [] { names.append(fan + rest) }
        }
        return names
    }

    public func remove(_ sha256: String) { unlink(path(sha256)) }

    /// Moves a damaged object out of the way (`objects/quarantine/`, kept for a post-mortem), so
    /// every build listing it reads as not whole and the next build that puts those bytes
    /// stores them afresh.
    public func quarantine(_ sha256: String) {
        let folder = root.appendingPathComponent("quarantine").path
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        if rename(path(sha256), folder + "/" + sha256) != 0 { unlink(path(sha256)) }
    }

    private func put(contentsOf file: String, sha256: String) throws {
        let temp = try temporaryFile()
        do { try FileManager.default.copyItem(atPath: file, toPath: temp) } catch { throw FerryError(.failed, "cannot write \(temp): \(error)", cause: error) }
        let fd = open(temp, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw Self.writeError(temp) }
        fchmod(fd, 0o444)
        try finish(fd: fd, temp: temp, sha256: sha256)
    }

    private func finish(fd: Int32, temp: String, sha256: String) throws {
        let synced = fsync(fd) == 0
        close(fd)
        let target = path(sha256)
        guard synced else { unlink(temp); throw Self.writeError(temp) }
        try makeFolder(for: target)
        guard rename(temp, target) == 0 else { unlink(temp); throw Self.writeError(target) }
    }

    private func temporaryFile() throws -> String {
        let folder = root.appendingPathComponent("tmp").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return folder + "/" + UUID().uuidString
    }

    private func makeFolder(for target: String) throws {
        let folder = (target as NSString).deletingLastPathComponent
        if access(folder, F_OK) != 0 { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
    }

    static func hash(_ fd: Int32) throws -> String {
        var hasher = SHA256()
        var buffer = [UInt8](repeating: 0, count: 1 << 17)
        lseek(fd, 0, SEEK_SET)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0, errno == EINTR { continue }
            guard n >= 0 else { throw FerryError(.failed, "cannot read an object: \(reason())") }
            if n == 0 { break }
            buffer.withUnsafeBytes { hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: $0.prefix(n))) }
        }
        return Hex.string(hasher.finalize())
    }

    static func reason() -> String { String(cString: strerror(errno)) }

    /// With the cause, so a full disk is told as one (`DiskFull`) with the device and the space
    /// the job needs.
    static func writeError(_ path: String) -> FerryError {
        let code = errno
        return FerryError(.failed, "cannot write \(path): \(reason())", cause: POSIXError(POSIXErrorCode(rawValue: code) ?? .EIO))
    }
}

import FerryCore
import Foundation
import Synchronization

/// Every file of the storage with its size, mtime and sha512, kept in the `files` record
/// collection so a later walk re-hashes only files whose size or mtime changed. `scan` and
/// `diff-build` share it; a second walk over an unchanged storage hashes nothing.
struct FileIndex {
    static let collection = "files"

    struct FileState: Codable, Sendable, Equatable {
        var path: String
        var size: Int64
        /// Nanoseconds since 1970, from `lstat(2)`.
        var mtime: Int64
        var sha512: String
    }

    struct Walk {
        var files: [FileState]
        var hashed: Int
        var hashedBytes: Int64
    }

    let layout: StorageLayout
    let records: any RecordStore

    /// Walks the storage (local state and temp files left out), hashes what is new or changed
    /// on every core, stores the changes and forgets files that are gone.
    func refresh(progress: (Double?, String) -> Void = { _, _ in }) throws -> Walk {
        let found = try Self.list(layout.root)
        let known = Dictionary(try records.all(Self.collection).compactMap { try? $0.decode(FileState.self) }.map { ($0.path, $0) },
                               uniquingKeysWith: { a, _ in a })
        var result = [FileState?](repeating: nil, count: found.count)
        var stale: [Int] = []
        for (i, f) in found.enumerated() {
            if let old = known[f.path], old.size == f.size, old.mtime == f.mtime {
                result[i] = old
            } else {
                stale.append(i)
            }
        }
        progress(nil, "hashing \(stale.count) new or changed of \(found.count) files")
        let hashedFiles = Mutex<[Int: String]>([:])
        let failures = Mutex<[String]>([])
        let root = layout.root
        let toHash = stale
        DispatchQueue.concurrentPerform(iterations: toHash.count) { k in
            let f = found[toHash[k]]
            guard let data = try? Data(contentsOf: root.appendingPathComponent(f.path), options: .alwaysMapped) else {
                failures.withLock { $0.append(f.path) }
                return
            }
            let digest = TarballDigest.sha512Hex(data)
            hashedFiles.withLock { $0[toHash[k]] = digest }
        }
        let digests = hashedFiles.withLock { $0 }
        var writes: [RecordWrite] = []
        var bytes: Int64 = 0
        for i in stale {
            guard let digest = digests[i] else { continue }
            let state = FileState(path: found[i].path, size: found[i].size, mtime: found[i].mtime, sha512: digest)
            result[i] = state
            bytes += state.size
            writes.append(try RecordWrite(key: state.path, value: state))
        }
        if !writes.isEmpty { try records.put(Self.collection, writes) }
        let gone = Set(known.keys).subtracting(found.map(\.path))
        if !gone.isEmpty { try records.delete(Self.collection, keys: Array(gone)) }
        let unreadable = failures.withLock { $0 }
        if !unreadable.isEmpty {
            throw FerryError(.failed, "could not read \(unreadable.count) file(s) of the storage, e.g. \(unreadable[0]); check permissions")
        }
        return Walk(files: result.compactMap { $0 }, hashed: writes.count, hashedBytes: bytes)
    }

    /// Regular files below `root` as (relative path, size, mtime), sorted by path; symlinks
    /// and Verdaccio's own state are not part of the mirror's content.
    static func list(_ root: URL) throws -> [(path: String, size: Int64, mtime: Int64)] {
        var out: [(path: String, size: Int64, mtime: Int64)] = []
        func walk(_ dir: String, _ prefix: String) {
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir) else { return }
            for name in names {
                let full = dir + "/" + name
                let rel = prefix.isEmpty ? name : prefix + "/" + name
                var st = stat()
                guard lstat(full, &st) == 0 else { continue }
                switch st.st_mode & S_IFMT {
                case S_IFDIR: walk(full, rel)
                case S_IFREG:
                    if StorageLayout.isLocalState(rel) { continue }
                    out.append((rel, Int64(st.st_size), Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec)))
                default: continue
                }
            }
        }
        guard FileManager.default.fileExists(atPath: root.path) else {
            throw FerryError(.failed, "the storage folder \(root.path) does not exist")
        }
        walk(root.path, "")
        return out.sorted { $0.path < $1.path }
    }
}

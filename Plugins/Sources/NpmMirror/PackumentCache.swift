import Crypto
import Foundation
import Synchronization

/// Packuments as the registry surface last sent them, so `npm install` asking for the same
/// package again costs two `stat`s instead of reading, filtering and writing the JSON anew.
///
/// An answer holds while the package's `package.json` (inode, size, mtime) and its folder's
/// mtime are what they were when it was made: Verdaccio and the refresh write packuments by
/// rename and add or remove tarballs in that folder, and each of those changes one of them. The
/// key carries what else shapes the bytes: the storage, the form (full or abbreviated), the mount
/// URL the tarballs point at and `serveMissing`. Answers carry a strong ETag (their sha256), so
/// a client's revalidation is a 304.
final class PackumentCache: Sendable {
    static let shared = PackumentCache()

    struct Validator: Equatable, Sendable {
        let inode: UInt64
        let size: Int64
        let modified: Int64
        let folderModified: Int64

        /// nil when the package has no `package.json`.
        init?(packument: URL, folder: URL) {
            var file = stat()
            var dir = stat()
            guard stat(packument.path, &file) == 0, stat(folder.path, &dir) == 0 else { return nil }
            inode = UInt64(file.st_ino)
            size = Int64(file.st_size)
            modified = Int64(file.st_mtim.tv_sec) * 1_000_000_000 + Int64(file.st_mtim.tv_nsec)
            folderModified = Int64(dir.st_mtim.tv_sec) * 1_000_000_000 + Int64(dir.st_mtim.tv_nsec)
        }
    }

    struct Answer: Sendable {
        let validator: Validator
        let bytes: [UInt8]
        let contentType: String
        /// Quoted, strong.
        let etag: String
    }

    /// Bytes of packuments kept; past it the oldest half goes (a mirror's hot set is small).
    let budget: Int
    private let state = Mutex<(answers: [String: Answer], order: [String], bytes: Int)>(([:], [], 0))

    init(budget: Int = 64 << 20) { self.budget = budget }

    /// The kept answer for `key`, if it was made from the package as it is now.
    func answer(_ key: String, validator: Validator) -> Answer? {
        state.withLock { $0.answers[key] }.flatMap { $0.validator == validator ? $0 : nil }
    }

    /// Keeps `bytes` as the answer for `key` and returns it with its ETag.
    @discardableResult
    func keep(_ key: String, validator: Validator, bytes: [UInt8], contentType: String) -> Answer {
        let etag = "\"" + SHA256.hash(data: bytes).prefix(16).map { String(format: "%02x", $0) }.joined() + "\""
        let answer = Answer(validator: validator, bytes: bytes, contentType: contentType, etag: etag)
        guard bytes.count <= budget / 4 else { return answer }
        state.withLock { state in
            if let old = state.answers.updateValue(answer, forKey: key) {
                state.bytes -= old.bytes.count
            } else {
                state.order.append(key)
            }
            state.bytes += bytes.count
            while state.bytes > budget, !state.order.isEmpty {
                let dropped = state.order.prefix(max(1, state.order.count / 2))
                for key in dropped { state.bytes -= state.answers.removeValue(forKey: key)?.bytes.count ?? 0 }
                state.order.removeFirst(dropped.count)
            }
        }
        return answer
    }
}

import Crypto
import FerryCore
import Foundation
import Synchronization

/// Packuments and small tarballs as the registry surface last sent them, so `npm install`
/// asking for the same package again costs a `stat` or two instead of reading, filtering and
/// writing the JSON anew or reading the tarball from disk.
///
/// An answer holds while the files it was made from are what they were (inode, size, mtime;
/// for a packument also its folder's mtime): Verdaccio and the refresh write packuments by
/// rename and add or remove tarballs in the package folder, and each of those changes one of
/// them. The key carries what else shapes the bytes: the storage, the form (full or
/// abbreviated), the mount URL the tarballs point at and `serveMissing`.
final class StorageAnswerCache: Sendable {
    static let shared = StorageAnswerCache()

    /// What an answer was made from: the files, as they were (`SurfaceResponse.madeFrom`).
    typealias Validator = [FileIdentity]

    /// A file's identity now; nil when it is not there.
    static func identity(of file: URL) -> FileIdentity? {
        var info = stat()
        guard stat(file.path, &info) == 0 else { return nil }
        return FileIdentity(
            path: file.path, inode: UInt64(info.st_ino), size: Int64(info.st_size),
            modified: Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec), isRegularFile: info.st_mode & S_IFMT == S_IFREG)
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

    /// Keeps `bytes` as the answer for `key` and returns it with its ETag (`etag`, or the bytes'
    /// sha256 when nil).
    @discardableResult
    func keep(_ key: String, validator: Validator, bytes: [UInt8], contentType: String, etag: String? = nil) -> Answer {
        let etag = etag ?? "\"" + SHA256.hash(data: bytes).prefix(16).map { String(format: "%02x", $0) }.joined() + "\""
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

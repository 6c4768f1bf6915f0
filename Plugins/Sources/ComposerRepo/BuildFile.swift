import FerryCore
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Writes one file of a build the plain way: open, write, close. Foundation's `Data.write`
/// fsyncs every file it writes, which on this kind of disk made a 120,000-file build wait
/// about a minute on the disk; the engine syncs the whole build once, before any of it can go
/// live (`ObjectStore.ingest`), so a sync per file buys nothing.
enum BuildFile {
    static func write(_ bytes: [UInt8], to path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw failure(path) }
        defer { close(fd) }
        var written = 0
        try bytes.withUnsafeBytes { buffer in
            while written < buffer.count {
                let n = Glibc.write(fd, buffer.baseAddress! + written, buffer.count - written)
                if n < 0, errno == EINTR { continue }
                guard n > 0 else { throw failure(path) }
                written += n
            }
        }
    }

    private static func failure(_ path: String) -> FerryError {
        let code = errno
        return FerryError(.failed, "cannot write \(path): \(String(cString: strerror(code)))", cause: POSIXError(POSIXErrorCode(rawValue: code) ?? .EIO))
    }
}

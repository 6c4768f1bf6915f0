import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A few megabytes of the data directory's disk held back (`reserve`, allocated, never read)
/// so that Ferry can still record what happened when a job fills the disk: SQLite needs free
/// pages to commit even a job's end, and a job that died of a full disk would otherwise stay
/// `running`, its reason lost. The job runner lets the reserve go when a write fails for want of
/// space, records the end, and allocates it again before a later job once there is room.
struct DiskReserve: Sendable {
    let file: URL

    init(dataDirectory: URL) { file = dataDirectory.appendingPathComponent("reserve") }

    /// 8 MiB, or a 32nd of a small disk.
    static func size(total: Int) -> Int { min(8 << 20, max(total / 32, 64 << 10)) }

    /// Allocates the reserve when it is missing and the disk has room for it three times over.
    func ensure() {
        guard access(file.path, F_OK) != 0, let (free, total) = DiskGuard.measure(file.deletingLastPathComponent().path) else { return }
        let size = Self.size(total: total)
        guard free > 3 * size else { return }
        let temp = file.path + ".new"
        let fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return }
        let allocated = posix_fallocate(fd, 0, off_t(size)) == 0
        close(fd)
        if !allocated || rename(temp, file.path) != 0 { unlink(temp) }
    }

    /// Frees the reserve; false when there was none to free.
    func release() -> Bool { unlink(file.path) == 0 }
}

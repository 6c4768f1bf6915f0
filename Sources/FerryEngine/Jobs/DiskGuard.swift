import FerryCore
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Measures the filesystems Ferry writes to and refuses a job that would write to a full one:
/// a build that runs out of space half-way wastes the time and can leave the data directory too
/// full for SQLite to commit the job's own end.
struct DiskGuard: Sendable {
    let threshold: DiskThreshold
    let dataDirectory: URL

    var reserve: DiskReserve { DiskReserve(dataDirectory: dataDirectory) }

    /// Free and total bytes of the filesystem holding `path` (the nearest existing ancestor).
    static func measure(_ path: String) -> (free: Int, total: Int)? {
        var url = URL(fileURLWithPath: path).standardizedFileURL
        while !FileManager.default.fileExists(atPath: url.path), url.path != "/" { url = url.deletingLastPathComponent() }
        var stats = statvfs()
        guard statvfs(url.path, &stats) == 0 else { return nil }
        let block = Int(stats.f_frsize)
        return (Int(stats.f_bavail) * block, Int(stats.f_blocks) * block)
    }

    func usage(path: String, role: String) -> DiskUsage? {
        guard let (free, total) = Self.measure(path) else { return nil }
        return DiskUsage(path: path, role: role, freeBytes: free, totalBytes: total, low: threshold.isLow(free: free, total: total))
    }

    /// The data directory and every `absolute` volume of `workloads`, one entry per path.
    func report(_ workloads: [WorkloadSpec]) -> [DiskUsage] {
        var roles: [(String, [String])] = [(dataDirectory.path, ["data"])]
        for spec in workloads {
            for volume in spec.volumes where volume.scope == .absolute {
                guard let path = volume.path else { continue }
                if let i = roles.firstIndex(where: { $0.0 == path }) {
                    roles[i].1.append("volume \(volume.name) of \(spec.name)")
                } else {
                    roles.append((path, ["volume \(volume.name) of \(spec.name)"]))
                }
            }
        }
        return roles.compactMap { usage(path: $0.0, role: $0.1.joined(separator: ", ")) }
    }

    /// Throws, with the numbers, when the data directory or one of the workload's absolute
    /// volumes is under the threshold.
    func check(_ spec: WorkloadSpec) throws {
        for disk in report([spec]) where disk.low {
            let place = disk.role == "data" ? "the data directory \(disk.path)" : "\(disk.role) (\(disk.path))"
            throw FerryError(
                .unavailable,
                "not started: \(place) has \(disk.summary); jobs that write need \(ByteCount.text(threshold.required(total: disk.totalBytes))) free, \(threshold)")
        }
    }
}

import FerryCore
import Foundation

extension Engine {
    /// Free space of the data directory and of every absolute volume, for `/api/health`,
    /// `/metrics` and the dashboard (which passes the workloads it has already read).
    public func diskUsage(of workloads: [Workload]? = nil) throws -> [DiskUsage] {
        disk.report(try (workloads ?? database.workloads()).map(\.spec))
    }
}

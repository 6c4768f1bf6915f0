import Foundation

/// What a source may read while it answers a request under its mount: the workload, its
/// resolved volumes (an npm mirror serves its storage directly) and its records (Composer's
/// download telemetry is written here). Built by the engine per request, cheaply.
public protocol SurfaceContext: Sendable {
    var workload: WorkloadSpec { get }
    var volumes: [String: URL] { get }
    var records: any RecordStore { get }
    /// The absolute URL of this workload's mount (`http://host:8080/composer/wp`), for URLs
    /// that clients must be able to follow from anywhere (`notify-batch`, `dist.tarball`).
    var publicBase: String { get }
}

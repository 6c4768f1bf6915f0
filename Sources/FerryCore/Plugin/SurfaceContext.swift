import Foundation

/// What a source may read while it answers a request under its mount: the workload, its
/// resolved volumes (an npm mirror serves its storage directly), its records (Composer's
/// download telemetry is written here), and for a source that proxies an upstream lazily
/// (composer-repo's `proxy`), the workload's env, outbound HTTP and its state folder. Built by
/// the engine once per workload generation and reused for every request.
public protocol SurfaceContext: Sendable {
    var workload: WorkloadSpec { get }
    var volumes: [String: URL] { get }
    var records: any RecordStore { get }
    /// The absolute URL of this workload's mount (`http://host:8080/composer/wp`), for URLs
    /// that clients must be able to follow from anywhere (`notify-batch`, `dist.tarball`).
    var publicBase: String { get }
    /// The workload's env with secrets decrypted: upstream credentials. Never echo them to a client.
    var env: [String: String] { get }
    /// Outbound HTTP, bounded by the engine, the same client jobs use.
    var http: any HTTPFetcher { get }
    /// `workloads/<name>/state/`, shared with the workload's jobs; a surface keeps its own
    /// subfolder there (composer-repo's proxy cache under `proxy/`).
    var stateDirectory: URL { get }
    /// A line for the server log, tagged with the workload: what a surface skipped or could
    /// not use while answering (a malformed upstream advisory) without failing the request.
    func log(_ message: String)
}

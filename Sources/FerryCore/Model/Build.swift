import Foundation

/// The immutable output of a deploy: `workloads/<name>/builds/<id>/` plus its manifest.
public struct Build: Codable, Sendable, Equatable {
    public var id: String
    public var workload: String
    public var jobID: String?
    public var revision: Revision?
    public var fileCount: Int
    public var totalBytes: Int64
    /// sha256 of the manifest's canonical bytes: one value that identifies the build's content.
    public var digest: String
    public var createdAt: Date
    /// Set when retention removed the build's files; the record stays for history.
    public var prunedAt: Date?

    public init(
        id: String, workload: String, jobID: String?, revision: Revision?, fileCount: Int, totalBytes: Int64,
        digest: String, createdAt: Date, prunedAt: Date? = nil
    ) {
        self.id = id
        self.workload = workload
        self.jobID = jobID
        self.revision = revision
        self.fileCount = fileCount
        self.totalBytes = totalBytes
        self.digest = digest
        self.createdAt = createdAt
        self.prunedAt = prunedAt
    }
}

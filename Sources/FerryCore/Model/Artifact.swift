import Foundation

/// A file a job hands to people rather than serving it live: an npm `diff-*.tar.zst`.
public struct Artifact: Codable, Sendable, Equatable {
    public var id: String
    public var workload: String
    public var jobID: String?
    /// The file name under `artifacts/<workload>/`.
    public var name: String
    public var size: Int64
    public var sha256: String
    /// What the job said about it (the diff's file counts, its baseline).
    public var details: JSONValue
    public var createdAt: Date

    public init(id: String, workload: String, jobID: String?, name: String, size: Int64, sha256: String, details: JSONValue = .object([:]), createdAt: Date) {
        self.id = id
        self.workload = workload
        self.jobID = jobID
        self.name = name
        self.size = size
        self.sha256 = sha256
        self.details = details
        self.createdAt = createdAt
    }
}

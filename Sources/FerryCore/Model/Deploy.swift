import Foundation

/// The record of making a build live: every switch of `current` (deploy, rollback, promote) is one.
public struct Deploy: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable { case deploy, rollback, promote }

    public var id: String
    public var workload: String
    public var buildID: String
    public var kind: Kind
    public var revision: Revision?
    public var jobID: String?
    /// For a promotion: the parent's deploy the build came from.
    public var fromDeployID: String?
    public var previousBuildID: String?
    public var createdAt: Date

    public init(
        id: String, workload: String, buildID: String, kind: Kind, revision: Revision?, jobID: String?,
        fromDeployID: String? = nil, previousBuildID: String?, createdAt: Date
    ) {
        self.id = id
        self.workload = workload
        self.buildID = buildID
        self.kind = kind
        self.revision = revision
        self.jobID = jobID
        self.fromDeployID = fromDeployID
        self.previousBuildID = previousBuildID
        self.createdAt = createdAt
    }
}

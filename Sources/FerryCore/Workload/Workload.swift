import Foundation

/// A workload as stored: the spec people wrote plus what the controller knows about it.
///
/// `generation` counts spec changes; `status.observedGeneration` is the generation the live build
/// was made from. The reconciler acts whenever the two differ.
public struct Workload: Codable, Sendable, Equatable {
    public var spec: WorkloadSpec
    public var generation: Int
    public var status: WorkloadStatus
    public var createdAt: Date
    public var updatedAt: Date

    public var name: String { spec.name }

    public init(spec: WorkloadSpec, generation: Int, status: WorkloadStatus, createdAt: Date, updatedAt: Date) {
        self.spec = spec
        self.generation = generation
        self.status = status
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// What is actually live, and the reconciler's last word on it in words a person can read.
public struct WorkloadStatus: Codable, Sendable, Equatable {
    public var observedGeneration: Int
    public var health: Health
    /// Why the workload is in this state ("deploy of main@sha1:ab12 failed: branch not found").
    public var reason: String
    /// The revision the next deploy should build, when an event named one (a pushed commit).
    public var wantedRevision: String?
    public var liveBuildID: String?
    public var liveRevision: String?
    public var lastDeployID: String?
    /// The generation the last failed deploy tried, how often in a row it failed, and when:
    /// the reconciler backs off instead of rebuilding a broken spec in a tight loop.
    public var failedGeneration: Int?
    public var failures: Int
    public var lastFailureAt: Date?

    public init(
        observedGeneration: Int = 0, health: Health = .unknown, reason: String = "not deployed yet",
        wantedRevision: String? = nil, liveBuildID: String? = nil, liveRevision: String? = nil,
        lastDeployID: String? = nil, failedGeneration: Int? = nil, failures: Int = 0, lastFailureAt: Date? = nil
    ) {
        self.observedGeneration = observedGeneration
        self.health = health
        self.reason = reason
        self.wantedRevision = wantedRevision
        self.liveBuildID = liveBuildID
        self.liveRevision = liveRevision
        self.lastDeployID = lastDeployID
        self.failedGeneration = failedGeneration
        self.failures = failures
        self.lastFailureAt = lastFailureAt
    }
}

public enum Health: String, Codable, Sendable {
    case healthy, degraded, failing, progressing, unknown
}

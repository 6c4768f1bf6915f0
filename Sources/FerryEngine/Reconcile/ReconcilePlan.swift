import FerryCore
import Foundation

/// The reconciler's decision for one workload, computed from facts with no I/O so every case
/// can be tested on its own (STYLE: decision logic is pure).
public enum ReconcilePlan: Sendable, Equatable {
    /// Nothing to do; the status should read like this.
    case steady(health: Health, reason: String)
    /// Point `current` back at the recorded live build, which still verifies.
    case relink(buildID: String, reason: String)
    /// Enqueue a deploy to close the gap.
    case deploy(reason: String)
    /// A deploy for this generation failed recently: wait before trying again.
    case backoff(until: Date, reason: String)

    /// What the reconciler knows about a workload at the start of a pass.
    public struct Facts: Sendable {
        public var generation: Int
        public var status: WorkloadStatus
        public var suspended: Bool
        public var hasActiveJob: Bool
        /// The build `current` points to (nil: the link is missing).
        public var linkedBuildID: String?
        /// Why the linked build fails verification (nil: it verifies).
        public var linkedBuildProblem: String?
        /// Whether the build recorded as live (`status.liveBuildID`) verifies on disk.
        public var recordedBuildVerifies: Bool
        /// The source's own verdict on the live build, when it verified.
        public var observation: Observation?
        public var now: Date

        public init(
            generation: Int, status: WorkloadStatus, suspended: Bool, hasActiveJob: Bool, linkedBuildID: String?,
            linkedBuildProblem: String?, recordedBuildVerifies: Bool, observation: Observation?, now: Date
        ) {
            self.generation = generation
            self.status = status
            self.suspended = suspended
            self.hasActiveJob = hasActiveJob
            self.linkedBuildID = linkedBuildID
            self.linkedBuildProblem = linkedBuildProblem
            self.recordedBuildVerifies = recordedBuildVerifies
            self.observation = observation
            self.now = now
        }
    }

    /// First retry after 30 s, doubling per consecutive failure, at most 15 minutes.
    public static func backoff(failures: Int) -> TimeInterval {
        min(30 * pow(2, Double(max(failures - 1, 0))), 15 * 60)
    }

    /// The failure reason with when the next try comes; an earlier note is replaced, not added
    /// to, so a workload failing for days keeps a reason of one line.
    public static func withRetryNote(_ reason: String, until: Date) -> String {
        let base = reason.range(of: retryNoteStart, options: .backwards).map { String(reason[..<$0.lowerBound]) } ?? reason
        return "\(base)\(retryNoteStart)\(ISO8601DateFormatter().string(from: until)))"
    }

    private static let retryNoteStart = " (retry after "

    public static func decide(_ f: Facts) -> ReconcilePlan {
        let s = f.status
        if f.suspended { return .steady(health: s.health, reason: "suspended") }
        if f.hasActiveJob { return .steady(health: .progressing, reason: s.reason) }

        var gap: String?
        if f.generation > s.observedGeneration {
            gap = s.observedGeneration == 0
                ? "not deployed yet" : "spec generation \(f.generation) is newer than the live one (\(s.observedGeneration))"
        } else if let wanted = s.wantedRevision, wanted != s.liveRevision {
            gap = "wanted revision \(wanted) is not live"
        } else if let recorded = s.liveBuildID {
            if f.linkedBuildID == recorded, let problem = f.linkedBuildProblem {
                gap = "live build \(recorded) fails verification: \(problem)"
            } else if f.linkedBuildID != recorded {
                let what = f.linkedBuildID.map { "points to \($0)" } ?? "is missing"
                if f.recordedBuildVerifies {
                    return .relink(buildID: recorded, reason: "current \(what); restored it to build \(recorded)")
                }
                gap = "current \(what) and build \(recorded) no longer verifies"
            }
        } else if s.observedGeneration > 0 {
            gap = "no live build"
        }

        guard let gap else {
            let observation = f.observation ?? Observation(health: .healthy, reason: s.reason)
            return .steady(health: observation.health, reason: observation.reason)
        }
        if s.failedGeneration == f.generation, s.failures > 0, let last = s.lastFailureAt {
            let until = last.addingTimeInterval(backoff(failures: s.failures))
            if f.now < until { return .backoff(until: until, reason: withRetryNote(s.reason, until: until)) }
        }
        return .deploy(reason: gap)
    }
}

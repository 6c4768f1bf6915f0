import Foundation

/// What a source sees when the retention service asks it to prune what it keeps itself:
/// snapshots and quarantined files (npm-mirror), raw telemetry (composer-repo). The service runs
/// outside any job, so there is no build directory, env or log: only the workload's records and
/// state folder, the policy and the time.
public protocol RetentionContext: Sendable {
    var workload: WorkloadSpec { get }
    var records: any RecordStore { get }
    var stateDirectory: URL { get }
    var policy: RetentionPolicy { get }
    var now: Date { get }
}

/// What one prune removed, for the service's log line and metrics: `["snapshots": 3]`.
public typealias PruneCounts = [String: Int]

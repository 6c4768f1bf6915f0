import FerryCore
import Foundation
import Synchronization

/// The `SourceContext` the engine hands a plugin for one job: the workload's env and volumes,
/// fresh build and scratch directories, the job log, progress and a command runner.
final class JobContext: SourceContext {
    let workload: WorkloadSpec
    let env: [String: String]
    let buildDirectory: URL
    let baseline: BuildBaseline
    var build: any BuildChanges { baseline }
    let scratchDirectory: URL
    let volumes: [String: URL]
    let stateDirectory: URL
    let jobID: String
    let records: any RecordStore
    let http: any HTTPFetcher
    let publicBase: String
    let git: GitPolicy
    /// Where the children this job starts are recorded, for recovery after a crash.
    let children: ChildLedger
    private let artifacts: ArtifactShelf
    private let followUps = Mutex<[FollowUp]>([])
    private let jobLog: JobLog
    private let reportProgress: @Sendable (Double?, String) -> Void
    private let lastProgress = Mutex<(fraction: Double?, at: Date)>((nil, .distantPast))

    init(
        workload: WorkloadSpec, env: [String: String], buildDirectory: URL, baseline: BuildBaseline, scratchDirectory: URL,
        volumes: [String: URL], stateDirectory: URL, jobID: String, records: any RecordStore, http: any HTTPFetcher,
        publicBase: String, git: GitPolicy, children: ChildLedger, artifacts: ArtifactShelf, log: JobLog,
        reportProgress: @escaping @Sendable (Double?, String) -> Void
    ) {
        self.git = git
        self.children = children
        self.stateDirectory = stateDirectory
        self.jobID = jobID
        self.records = records
        self.http = http
        self.publicBase = publicBase
        self.artifacts = artifacts
        self.workload = workload
        self.env = env
        self.buildDirectory = buildDirectory
        self.baseline = baseline
        self.scratchDirectory = scratchDirectory
        self.volumes = volumes
        self.jobLog = log
        self.reportProgress = reportProgress
    }

    func log(_ line: String) { jobLog.write(line) }

    /// Logged as `progress 40% copying files`; stored at most a few times a second so a plugin
    /// reporting per file does not turn into a database write per file.
    func progress(_ fraction: Double?, _ note: String) {
        // A plugin's `done / total` with nothing to do is NaN, which `min`/`max` pass through and
        // `Int(_:)` traps on; such a fraction is shown as no fraction at all.
        let clamped = fraction.flatMap { $0.isFinite ? min(max($0, 0), 1) : nil }
        let shouldStore = lastProgress.withLock { last -> Bool in
            let now = Date()
            let finished = clamped == 1 || clamped == 0
            guard finished || now.timeIntervalSince(last.at) >= 0.25 else { return false }
            last = (clamped, now)
            return true
        }
        guard shouldStore else { return }
        let percent = clamped.map { "\(Int(($0 * 100).rounded()))% " } ?? ""
        jobLog.write("progress \(percent)\(note)")
        reportProgress(clamped, note)
    }

    func run(_ arguments: [String], in directory: URL?, environment: [String: String]) async throws -> CommandOutput {
        jobLog.write("$ \(arguments.joined(separator: " "))")
        let log = jobLog
        var runner = CommandRunner(onLine: { log.write("  \($0)") })
        runner.onStart = { [children] in children.record($0) }
        return try await runner.run(arguments, in: directory, environment: environment)
    }

    /// Like `run`, with the output lines indented under a section the caller writes (hooks).
    func runQuiet(_ arguments: [String], in directory: URL?, environment: [String: String]) async throws -> CommandOutput {
        let log = jobLog
        var runner = CommandRunner(onLine: { log.write("  │ \($0)") })
        runner.onStart = { [children] in children.record($0) }
        return try await runner.run(arguments, in: directory, environment: environment)
    }

    func checkCancellation() throws { try Task.checkCancellation() }

    func publishArtifact(_ file: URL, name: String, details: JSONValue) throws -> Artifact {
        let artifact = try artifacts.publish(file, name: name, workload: workload.name, jobID: jobID, details: details)
        jobLog.write("artifact \(artifact.name): \(artifact.size) bytes, sha256 \(artifact.sha256)")
        return artifact
    }

    /// An action the plugin asked to run after this job succeeds.
    struct FollowUp: Sendable {
        var action: String
        var params: JSONValue
    }

    func followUp(action: String, params: JSONValue) {
        followUps.withLock { $0.append(FollowUp(action: action, params: params)) }
    }

    var requestedFollowUps: [FollowUp] { followUps.withLock { $0 } }
}

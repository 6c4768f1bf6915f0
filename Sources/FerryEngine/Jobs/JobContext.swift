import FerryCore
import Foundation
import Synchronization

/// The `SourceContext` the engine hands a plugin for one job: the workload's env and volumes,
/// fresh build and scratch directories, the job log, progress and a command runner.
final class JobContext: SourceContext {
    let workload: WorkloadSpec
    let env: [String: String]
    let buildDirectory: URL
    let scratchDirectory: URL
    let volumes: [String: URL]
    private let jobLog: JobLog
    private let reportProgress: @Sendable (Double?, String) -> Void
    private let lastProgress = Mutex<(fraction: Double?, at: Date)>((nil, .distantPast))

    init(
        workload: WorkloadSpec, env: [String: String], buildDirectory: URL, scratchDirectory: URL,
        volumes: [String: URL], log: JobLog, reportProgress: @escaping @Sendable (Double?, String) -> Void
    ) {
        self.workload = workload
        self.env = env
        self.buildDirectory = buildDirectory
        self.scratchDirectory = scratchDirectory
        self.volumes = volumes
        self.jobLog = log
        self.reportProgress = reportProgress
    }

    func log(_ line: String) { jobLog.write(line) }

    /// Logged as `progress 40% copying files`; stored at most a few times a second so a plugin
    /// reporting per file does not turn into a database write per file.
    func progress(_ fraction: Double?, _ note: String) {
        let clamped = fraction.map { min(max($0, 0), 1) }
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
        return try await CommandRunner(onLine: { log.write("  \($0)") }).run(arguments, in: directory, environment: environment)
    }

    func checkCancellation() throws { try Task.checkCancellation() }
}

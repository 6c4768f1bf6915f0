import Foundation

/// Everything a source plugin may touch while it runs an action. The engine builds one per job;
/// plugins never open the database or global paths themselves.
public protocol SourceContext: Sendable {
    var workload: WorkloadSpec { get }
    /// The workload's env with secrets decrypted. Hand values to tools, never to the log.
    var env: [String: String] { get }
    /// Where `deploy` writes the files the new build puts. Empty when the action starts.
    var buildDirectory: URL { get }
    /// What the new build keeps from the live one (`BuildChanges`); a source that writes every
    /// file each time may ignore it.
    var build: any BuildChanges { get }
    /// A private directory for this job, removed when it ends.
    var scratchDirectory: URL { get }
    /// Resolved volume paths by name.
    var volumes: [String: URL] { get }
    /// A folder that belongs to the workload and outlives jobs (git mirrors, caches, the
    /// previous build's bytes); `workloads/<name>/state/`.
    var stateDirectory: URL { get }
    /// The job's id, for names that must be unique per run.
    var jobID: String { get }
    /// The workload's own records (package indexes, sync runs, telemetry).
    var records: any RecordStore { get }
    /// Outbound HTTP, bounded by the engine.
    var http: any HTTPFetcher { get }
    /// The absolute URL of the workload's mount (`http://host:8080/composer/wp`).
    var publicBase: String { get }
    /// The host's git policy: check a repository URL with `git.remote(…)` again right before
    /// git runs, since a stored config may predate the server's current roots.
    var git: GitPolicy { get }

    /// Moves a finished file into `artifacts/<workload>/`, records it with its size and sha256
    /// and returns the record; the file at `file` is gone afterwards.
    func publishArtifact(_ file: URL, name: String, details: JSONValue) throws -> Artifact
    /// Asks for another action on this workload once this job has succeeded (a `refresh-full`
    /// followed by a `diff-build`). It goes through the dispatcher like any other job, with this
    /// job's event in its cause chain; nothing is queued when the job fails.
    func followUp(action: String, params: JSONValue)

    /// Appends a line to the job log (secrets are redacted on the way).
    func log(_ line: String)
    /// Reports progress (0…1, or nil when unknown) with a short note, shown in the log and UI.
    func progress(_ fraction: Double?, _ note: String)
    /// Runs a program, streaming its output into the job log; throws `FerryError(.failed)` with
    /// the tail of its output when it exits non-zero, and stops it when the job is cancelled.
    func run(_ arguments: [String], in directory: URL?, environment: [String: String]) async throws -> CommandOutput
    /// Throws `CancellationError` when the job was cancelled.
    func checkCancellation() throws
}

extension SourceContext {
    public func run(_ arguments: [String], in directory: URL? = nil) async throws -> CommandOutput {
        try await run(arguments, in: directory, environment: [:])
    }
}

public struct CommandOutput: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String
    public init(status: Int32, stdout: String, stderr: String) {
        self.status = status
        self.stdout = stdout
        self.stderr = stderr
    }
}

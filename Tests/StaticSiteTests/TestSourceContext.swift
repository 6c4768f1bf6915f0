import FerryCore
import Foundation
import PluginTestKit

/// A `SourceContext` for tests: runs commands with `Foundation.Process` like the engine does,
/// records every command with its environment, and keeps log lines and progress in memory.
final class TestSourceContext: SourceContext, @unchecked Sendable {
    struct Command {
        var arguments: [String]
        var environment: [String: String]
    }

    let workload: WorkloadSpec
    let env: [String: String]
    let root: URL
    let buildDirectory: URL
    var build: any BuildChanges { BuildBaseline(base: nil, objects: root.appendingPathComponent("objects")) }
    let scratchDirectory: URL
    let volumes: [String: URL] = [:]
    var stateDirectory: URL { root.appendingPathComponent("state", isDirectory: true) }
    let jobID = "j-test"
    let records: any RecordStore = MemoryRecords()
    let http: any HTTPFetcher = UnusedHTTP()
    let publicBase = "http://127.0.0.1:8080/sites/site"
    /// Merged into every command's environment, e.g. to make git speak protocol v0.
    let extraEnvironment: [String: String]
    let git: GitPolicy

    private let lock = NSLock()
    private var _logLines: [String] = []
    private var _progress: [(Double?, String)] = []
    private var _commands: [Command] = []
    private var _cancelled = false

    init(
        config: JSONValue, env: [String: String] = [:], extraEnvironment: [String: String] = [:],
        git: GitPolicy = PluginTestContext.testGitPolicy
    ) throws {
        self.git = git
        workload = WorkloadSpec(name: "site", source: SourceRef(kind: "static-site", config: config))
        self.env = env
        self.extraEnvironment = extraEnvironment
        root = try TempDir.make("ctx")
        buildDirectory = root.appendingPathComponent("build", isDirectory: true)
        scratchDirectory = root.appendingPathComponent("scratch", isDirectory: true)
        try FileManager.default.createDirectory(at: buildDirectory, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: scratchDirectory, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: root) }

    var logLines: [String] { lock.withLock { _logLines } }
    var progressNotes: [(fraction: Double?, note: String)] { lock.withLock { _progress.map { (fraction: $0.0, note: $0.1) } } }
    var commands: [Command] { lock.withLock { _commands } }

    func cancel() { lock.withLock { _cancelled = true } }

    func log(_ line: String) { lock.withLock { _logLines.append(line) } }

    func progress(_ fraction: Double?, _ note: String) { lock.withLock { _progress.append((fraction, note)) } }

    func checkCancellation() throws {
        if lock.withLock({ _cancelled }) { throw CancellationError() }
    }

    func run(_ arguments: [String], in directory: URL?, environment: [String: String]) async throws -> CommandOutput {
        lock.withLock { _commands.append(Command(arguments: arguments, environment: environment)) }
        let output = try await Shell.run(arguments, in: directory, environment: environment.merging(extraEnvironment) { a, _ in a })
        for line in (output.stdout + output.stderr).split(whereSeparator: \.isNewline) { log(String(line)) }
        guard output.status == 0 else {
            let tail = output.stderr.split(whereSeparator: \.isNewline).suffix(5).joined(separator: "\n")
            throw FerryError(.failed, "\(arguments.first ?? "command") exited with status \(output.status): \(tail)")
        }
        return output
    }

    func publishArtifact(_ file: URL, name: String, details: JSONValue) throws -> Artifact {
        throw FerryError(.internal, "static-site publishes no artifacts")
    }

    func followUp(action: String, params: JSONValue) {}
}

/// static-site fetches with git, never over HTTP; a request here is a bug the test should see.
struct UnusedHTTP: HTTPFetcher {
    func fetch(_ request: FetchRequest) async throws -> FetchResponse { throw FerryError(.internal, "unexpected HTTP fetch") }
    func download(_ request: FetchRequest, to file: URL) async throws -> FetchResponse { throw FerryError(.internal, "unexpected HTTP download") }
}

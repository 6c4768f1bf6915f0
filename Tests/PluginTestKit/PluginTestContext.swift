import Crypto
import FerryCore
import FerryEngine
import Foundation
import Synchronization

/// A `SourceContext` for plugin tests: real commands (the engine's `CommandRunner`), real
/// outbound HTTP (`UpstreamHTTP`, pointed at loopback servers by the test's config), records in
/// memory, artifacts and follow-ups captured so tests can assert on them.
public final class PluginTestContext: SourceContext {
    public let workload: WorkloadSpec
    public let env: [String: String]
    public let root: URL
    public let buildDirectory: URL
    /// No base: each action of a plain test context writes every file.
    public let build: any BuildChanges
    /// The object store builds made from this context go into (`finishBuild`).
    public var objects: URL { root.appendingPathComponent("objects") }
    public let scratchDirectory: URL
    public let stateDirectory: URL
    public let artifactDirectory: URL
    public let volumes: [String: URL]
    public let jobID: String
    public let records: any RecordStore
    public let http: any HTTPFetcher
    public let publicBase: String
    public let git: GitPolicy

    /// The git policy test contexts get unless told otherwise: local repositories under the
    /// system's temp folder (where `TempDir` and `GitRepo` make them) and nowhere else.
    public static let testGitPolicy = GitPolicy(fileRoots: [FileManager.default.temporaryDirectory.standardizedFileURL.path])

    private struct State {
        var log: [String] = []
        var progress: [(Double?, String)] = []
        var artifacts: [Artifact] = []
        var followUps: [(String, JSONValue)] = []
        var cancelled = false
        var lastBuild: BuildManifest?
    }
    private let state = Mutex(State())

    public init(
        kind: String, config: JSONValue, name: String = "w", env: [String: String] = [:], volumes: [String: URL] = [:],
        records: any RecordStore = MemoryRecords(), http: any HTTPFetcher = UpstreamHTTP(),
        publicBase: String = "http://127.0.0.1:8080/x/w", root: URL? = nil, git: GitPolicy = PluginTestContext.testGitPolicy
    ) throws {
        workload = WorkloadSpec(name: name, source: SourceRef(kind: kind, config: config))
        self.git = git
        self.env = env
        self.volumes = volumes
        self.records = records
        self.http = http
        self.publicBase = publicBase
        jobID = "j-test-\(UUID().uuidString.prefix(8))"
        let base = root ?? FileManager.default.temporaryDirectory.appendingPathComponent("ferry-plugin-\(UUID().uuidString)")
        self.root = base
        buildDirectory = base.appendingPathComponent("build")
        build = BuildBaseline(base: nil, objects: base.appendingPathComponent("objects"))
        scratchDirectory = base.appendingPathComponent("scratch")
        stateDirectory = base.appendingPathComponent("state")
        artifactDirectory = base.appendingPathComponent("artifacts")
        for dir in [buildDirectory, scratchDirectory, stateDirectory, artifactDirectory] {
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        }
    }

    /// Removes the context's folders (build, scratch, state, artifacts).
    public func cleanUp() { try? FileManager.default.removeItem(at: root) }

    /// The last build `finishBuild` made, which the next step's build starts from.
    public var lastBuild: BuildManifest? {
        get { state.withLock { $0.lastBuild } }
        set { state.withLock { $0.lastBuild = newValue } }
    }

    /// Does what the engine does when a build action returns: moves the files written into
    /// `content` into the object store and lists them with those kept from `baseline`.
    @discardableResult
    public func finishBuild(content: URL, baseline: BuildBaseline, id: String) throws -> BuildAssembler.Result {
        let made = try BuildAssembler(objects: ObjectStore(root: objects)).assemble(
            content: content, baseline: baseline, buildID: id, workload: workload.name, revision: nil, meta: .object([:]), now: Date(),
            progress: { _, _ in })
        lastBuild = made.manifest
        return made
    }

    public var logLines: [String] { state.withLock { $0.log } }
    public var progressNotes: [(fraction: Double?, note: String)] { state.withLock { $0.progress.map { (fraction: $0.0, note: $0.1) } } }
    public var artifacts: [Artifact] { state.withLock { $0.artifacts } }
    public var followUps: [(action: String, params: JSONValue)] { state.withLock { $0.followUps.map { (action: $0.0, params: $0.1) } } }

    public func cancel() { state.withLock { $0.cancelled = true } }

    public func log(_ line: String) { state.withLock { $0.log.append(line) } }

    public func progress(_ fraction: Double?, _ note: String) { state.withLock { $0.progress.append((fraction, note)) } }

    public func checkCancellation() throws {
        if state.withLock({ $0.cancelled }) { throw CancellationError() }
    }

    public func run(_ arguments: [String], in directory: URL?, environment: [String: String]) async throws -> CommandOutput {
        log("$ \(arguments.joined(separator: " "))")
        return try await CommandRunner(onLine: { [weak self] in self?.log("  \($0)") }).run(arguments, in: directory, environment: environment)
    }

    public func publishArtifact(_ file: URL, name: String, details: JSONValue) throws -> Artifact {
        let target = artifactDirectory.appendingPathComponent(name)
        try FileManager.default.moveItem(at: file, to: target)
        let data = try Data(contentsOf: target)
        let artifact = Artifact(
            id: "a-\(name)", workload: workload.name, jobID: jobID, name: name, size: Int64(data.count),
            sha256: SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined(), details: details, createdAt: Date())
        state.withLock { $0.artifacts.append(artifact) }
        return artifact
    }

    public func followUp(action: String, params: JSONValue) {
        state.withLock { $0.followUps.append((action, params)) }
    }
}

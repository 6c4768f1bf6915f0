import FerryCore
import FerryEngine
import Foundation
import Synchronization
import PluginTestKit
import Testing
@testable import ComposerRepoSource

/// One job of a test pipeline: shares the base context's records, state folder and HTTP (as jobs
/// of one workload do) but builds into a folder of its own, `builds/<id>/content` like the engine's,
/// starting from the previous step's build as a deploy starts from the live one.
final class StepContext: SourceContext {
    let base: PluginTestContext
    let buildDirectory: URL
    let buildID: String
    let baseline: BuildBaseline
    var build: any BuildChanges { baseline }
    private let finished = Mutex<BuildManifest?>(nil)
    /// The finished build (`finish`), read through the object store.
    var manifest: BuildManifest? { finished.withLock { $0 } }

    init(_ base: PluginTestContext, build: String) throws {
        self.base = base
        buildID = build
        buildDirectory = base.root.appendingPathComponent("builds/\(build)/content")
        baseline = BuildBaseline(base: base.lastBuild, objects: base.objects)
        try FileManager.default.createDirectory(at: buildDirectory, withIntermediateDirectories: true)
    }

    /// What the engine does after the build action: stores the written files, lists the kept ones.
    @discardableResult
    func finish() throws -> BuildAssembler.Result {
        let made = try base.finishBuild(content: buildDirectory, baseline: baseline, id: buildID)
        finished.withLock { $0 = made.manifest }
        return made
    }

    /// Where a path of the finished build can be read.
    func file(_ path: String) -> URL {
        guard let entry = manifest?.files.first(where: { $0.path == path }) else { return buildDirectory.appendingPathComponent(path) }
        return URL(fileURLWithPath: LiveBuild.objectPath(entry.sha256, in: base.objects.path))
    }

    /// The finished build's entry for a path.
    func entry(_ path: String) -> BuildManifest.File? { manifest?.files.first { $0.path == path } }

    var workload: WorkloadSpec { base.workload }
    var env: [String: String] { base.env }
    var scratchDirectory: URL { base.scratchDirectory }
    var volumes: [String: URL] { base.volumes }
    var stateDirectory: URL { base.stateDirectory }
    var jobID: String { base.jobID }
    var records: any RecordStore { base.records }
    var http: any HTTPFetcher { base.http }
    var publicBase: String { base.publicBase }
    var git: GitPolicy { base.git }
    func publishArtifact(_ file: URL, name: String, details: JSONValue) throws -> Artifact { try base.publishArtifact(file, name: name, details: details) }
    func followUp(action: String, params: JSONValue) { base.followUp(action: action, params: params) }
    func log(_ line: String) { base.log(line) }
    func progress(_ fraction: Double?, _ note: String) { base.progress(fraction, note) }
    func run(_ arguments: [String], in directory: URL?, environment: [String: String]) async throws -> CommandOutput {
        try await base.run(arguments, in: directory, environment: environment)
    }
    func checkCancellation() throws { try base.checkCancellation() }

    /// A file of this step's build, as JSON.
    func json(_ path: String) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: Data(contentsOf: file(path)))
    }

    func exists(_ path: String) -> Bool { manifest.map { m in m.files.contains { $0.path == path } } ?? FileManager.default.fileExists(atPath: file(path).path) }
}

/// The versions of one package as the client reads them: both p2 files expanded.
func clientVersions(_ step: StepContext, _ name: String) throws -> [String: JSONValue] {
    var out: [String: JSONValue] = [:]
    for file in ["p2/\(name).json", "p2/\(name)~dev.json"] where step.exists(file) {
        let doc = try step.json(file)
        #expect(doc["minified"] == .string("composer/2.0"))
        guard case .array(let list)? = doc["packages"]?[name] else { continue }
        for v in P2Writer.expand(list) { out[v["version"]!.plainText] = v }
    }
    return out
}

/// discover → update → build, as a deploy runs them; the build's step context for reading it.
func composerPipeline(_ ctx: PluginTestContext, build: String) async throws -> StepContext {
    let source = ComposerRepoSource()
    _ = try await source.run(action: "discover", revision: nil, params: .object([:]), context: ctx)
    _ = try await source.run(action: "update", revision: nil, params: .object([:]), context: ctx)
    let step = try StepContext(ctx, build: build)
    let outcome = try await source.run(action: "build", revision: nil, params: .object([:]), context: step)
    guard case .built = outcome else { throw FerryError(.failed, "build returned \(outcome)") }
    try step.finish()
    return step
}

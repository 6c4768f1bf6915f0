import FerryCore
import FerryStore
import Foundation

/// promote-from: makes a parent stage's live build live in a child, byte for byte.
///
/// It runs as an engine action (`promote`) through the dispatcher like any other job, so it is
/// serialised with the child's deploys. The parent's files are hard-linked into a new build of
/// the child (copied where a link is impossible); the engine then writes and fully verifies the
/// child's manifest before activation, and the deploy records the parent's deploy it came from.
struct Promotion: Sendable {
    static let actionName = "promote"
    static let descriptor = ActionDescriptor(
        name: actionName, description: "make the parent stage's live build live here, byte for byte",
        params: .object([.init("from", .string("the stage to promote from; default: the workload's parent"))]),
        producesBuild: true, idempotent: true)

    /// The built-in action, when `name` is it; sources never need to declare it.
    static func action(_ name: String) -> ActionDescriptor? { name == actionName ? descriptor : nil }

    let parent: String
    let parentBuildID: String
    let parentDeployID: String?
    let revision: Revision?
    let source: URL
    let manifest: BuildManifest

    /// Finds the parent's live build and checks it is whole before anything is copied.
    static func prepare(child: WorkloadSpec, params: JSONValue, database: FerryDatabase, activator: BuildActivator, paths: FerryPaths) throws -> Promotion {
        guard let parent = params["from"]?.stringValue ?? child.parent else {
            throw FerryError(.invalidInput, "\(child.name) has no parent; name the stage to promote from (--from)")
        }
        guard let parentWorkload = try database.workload(parent) else { throw FerryError.notFound("workload", parent) }
        guard let buildID = activator.liveBuildID(workload: parent) else {
            throw FerryError(.conflict, "cannot promote: \(parent) has no live build yet; deploy it first")
        }
        let dir = paths.build(parent, buildID)
        if let problem = ManifestVerifier.problem(in: dir, depth: .full) {
            throw FerryError(.conflict, "cannot promote: the live build \(buildID) of \(parent) fails verification: \(problem)")
        }
        let deployID = try database.deploys(workload: parent).first { $0.buildID == buildID }?.id ?? parentWorkload.status.lastDeployID
        let manifest = try ManifestBuilder.read(from: dir)
        return Promotion(
            parent: parent, parentBuildID: buildID, parentDeployID: deployID, revision: manifest.revision,
            source: paths.buildContent(parent, buildID), manifest: manifest)
    }

    /// Links (or copies) every file of the parent's build into the child's new build folder.
    func copy(into content: URL, context: any SourceContext) throws -> ActionOutcome {
        let fm = FileManager.default
        var linked = 0
        for (i, file) in manifest.files.enumerated() {
            try context.checkCancellation()
            let from = source.appendingPathComponent(file.path), to = content.appendingPathComponent(file.path)
            try fm.createDirectory(at: to.deletingLastPathComponent(), withIntermediateDirectories: true)
            do {
                try fm.linkItem(at: from, to: to)
                linked += 1
            } catch {
                try fm.copyItem(at: from, to: to)
            }
            if i % 200 == 0 { context.progress(0.8 * Double(i) / Double(max(manifest.files.count, 1)), "promoting \(i)/\(manifest.files.count) files") }
        }
        context.log("promoting build \(parentBuildID) of \(parent): \(linked) of \(manifest.files.count) files hard-linked, the rest copied")
        return .built(meta: .object([
            "promotedFrom": .string(parent), "parentBuild": .string(parentBuildID),
            "parentDeploy": parentDeployID.map(JSONValue.string) ?? .null,
        ]))
    }
}

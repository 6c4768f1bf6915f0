import FerryCore
import FerryStore
import Foundation

/// promote-from: makes a parent stage's live build live in a child, byte for byte.
///
/// It runs as an engine action (`promote`) through the dispatcher like any other job, so it is
/// serialised with the child's deploys. The child's new build lists exactly the parent's
/// objects — byte for byte by construction, and in constant time whatever the build holds,
/// since no file is read or copied; the deploy records the parent's deploy it came from.
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
    let manifest: BuildManifest

    /// Finds the parent's live build and checks it is whole before anything is copied.
    static func prepare(child: WorkloadSpec, params: JSONValue, database: FerryDatabase, activator: BuildActivator, liveBuilds: LiveBuildCache) throws -> Promotion {
        guard let parent = params["from"]?.stringValue ?? child.parent else {
            throw FerryError(.invalidInput, "\(child.name) has no parent; name the stage to promote from (--from)")
        }
        guard let parentWorkload = try database.workload(parent) else { throw FerryError.notFound("workload", parent) }
        guard let buildID = activator.liveBuildID(workload: parent) else {
            throw FerryError(.conflict, "cannot promote: \(parent) has no live build yet; deploy it first")
        }
        let (found, problem) = liveBuilds.check(parent, buildID)
        guard let manifest = found, problem == nil else {
            throw FerryError(.conflict, "cannot promote: the live build \(buildID) of \(parent) fails verification: \(problem ?? "")")
        }
        let deployID = try database.deploys(workload: parent).first { $0.buildID == buildID }?.id ?? parentWorkload.status.lastDeployID
        return Promotion(parent: parent, parentBuildID: buildID, parentDeployID: deployID, revision: manifest.revision, manifest: manifest)
    }

    /// The new build keeps every path of the parent's, as it is.
    func baseline(objects: URL) -> BuildBaseline {
        let baseline = BuildBaseline(base: manifest, objects: objects)
        baseline.keepAll()
        return baseline
    }

    func outcome(context: any SourceContext) -> ActionOutcome {
        context.log("promoting build \(parentBuildID) of \(parent): \(manifest.files.count) files, \(manifest.totalBytes) bytes, shared with it")
        return .built(meta: .object([
            "promotedFrom": .string(parent), "parentBuild": .string(parentBuildID),
            "parentDeploy": parentDeployID.map(JSONValue.string) ?? .null,
        ]))
    }
}

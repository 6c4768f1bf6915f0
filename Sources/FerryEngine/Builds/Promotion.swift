import FerryCore
import FerryStore
import Foundation

/// promote-from: makes a parent stage's live build live in a child, byte for byte.
///
/// It runs as an engine action (`promote`) through the dispatcher like any other job, so it is
/// serialised with the child's deploys. The child's new build lists exactly the parent's
/// objects — byte for byte by construction, and whatever the build holds no file is read,
/// copied, hashed or stat'ed: the parent's manifest comes from memory (it is live), its digest
/// from its build record; the deploy records the parent's deploy it came from.
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
    /// The parent build's digest, which is the child's: the digest covers only the file list.
    let digest: String

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
        let digest = try database.build(buildID)?.digest ?? ManifestBuilder.digest(manifest)
        return Promotion(
            parent: parent, parentBuildID: buildID, parentDeployID: deployID, revision: manifest.revision, manifest: manifest, digest: digest)
    }

    /// The child's build: every path of the parent's, as it is, under the child's name.
    func build(_ buildID: String, workload: String, meta: JSONValue, now: Date) -> BuildManifest {
        var child = manifest
        child.buildID = buildID
        child.workload = workload
        child.createdAt = ISO8601DateFormatter().string(from: now)
        child.meta = meta
        return child
    }

    func outcome(context: any SourceContext) -> ActionOutcome {
        context.log("promoting build \(parentBuildID) of \(parent): \(manifest.files.count) files, \(manifest.totalBytes) bytes, shared with it")
        return .built(meta: .object([
            "promotedFrom": .string(parent), "parentBuild": .string(parentBuildID),
            "parentDeploy": parentDeployID.map(JSONValue.string) ?? .null,
        ]))
    }
}

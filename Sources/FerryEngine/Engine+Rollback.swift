import FerryCore
import FerryStore
import Foundation

extension Engine {
    /// Makes an earlier build live again: the one of deploy `to`, or else the newest earlier
    /// build that still exists. Every object of the build must be there first (they were hashed
    /// when written; the scrub re-checks them); a build that fails is refused
    /// and what is live stays as it is.
    public func rollback(workload name: String, to deployID: String? = nil) async throws -> Deploy {
        let workload = try self.workload(name)
        if !(try database.jobs(workload: name, states: [.running]).isEmpty) {
            throw FerryError(.conflict, "a job is running on \(name); wait for it or cancel it, then roll back")
        }
        let live = activator.liveBuildID(workload: name)
        let target: Build
        if let deployID {
            guard let deploy = try database.deploy(deployID), deploy.workload == name else { throw FerryError.notFound("deploy", deployID) }
            guard let build = try database.build(deploy.buildID) else { throw FerryError(.conflict, "the build of deploy \(deployID) is gone") }
            target = build
        } else {
            guard let build = try database.builds(workload: name).first(where: { $0.id != live && $0.prunedAt == nil }) else {
                throw FerryError(.conflict, "\(name) has no earlier build to roll back to")
            }
            target = build
        }
        if target.prunedAt != nil { throw FerryError(.conflict, "build \(target.id) was removed by retention") }
        if target.id == live { throw FerryError(.conflict, "build \(target.id) is already live") }
        let (manifest, problem) = liveBuilds.check(name, target.id)
        if let problem {
            throw FerryError(.conflict, "build \(target.id) fails verification and cannot go live: \(problem)")
        }
        if !workload.spec.publish.isEmpty, let manifest {
            let env = try secrets.openEnv(workload.spec).env
            try await Publisher(paths: paths, http: http).publish(manifest, workload: workload.spec, env: env) { logger.info("\(name): \($0)") }
        }
        try dispatcher.dispatch(DispatchRequest(
            kind: "manual", summary: "rollback of \(name) to build \(target.id)", targets: [],
            payload: .object(["build": .string(target.id)])))
        try activator.activate(workload: name, buildID: target.id)
        if let manifest { liveBuilds.adopt(name, manifest) }
        let deploy = Deploy(
            id: IDs.make("d", at: now()), workload: name, buildID: target.id, kind: .rollback, revision: target.revision,
            jobID: nil, previousBuildID: live, createdAt: now())
        let label = target.revision?.label ?? target.id
        try database.recordDeploy(deploy) { status in
            status.liveBuildID = target.id
            status.liveRevision = target.revision?.id
            status.wantedRevision = nil
            status.observedGeneration = max(status.observedGeneration, workload.generation)
            status.health = .healthy
            status.reason = "rolled back to \(label) (build \(target.id))"
        }
        notifier.deployed(deploy, summary: "rolled back to \(label) (build \(target.id))")
        notifier.health(of: name, from: workload.status.health, to: .healthy, reason: "rolled back to \(label)")
        logger.info("\(name): rolled back to build \(target.id)")
        return deploy
    }
}

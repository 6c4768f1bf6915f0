import FerryCore
import FerryStore
import Foundation

extension Engine {
    /// Validates a workload document and stores it. Idempotent: the same document again
    /// changes nothing and bumps no generation. The reconciler deploys what changed.
    @discardableResult
    public func apply(_ document: JSONValue) throws -> (Workload, ApplyResult) {
        let applied = try applyShowingSecrets(document)
        return (applied.workload, applied.result)
    }

    /// `apply`, also answering the webhook secrets it generated for inline triggers (shown once).
    public func applyShowingSecrets(_ document: JSONValue) throws -> AppliedWorkload {
        let validated = try validator.validate(document)
        try Caller.require(.administer, on: validated.name)
        let completed = try completingInlineTriggers(validated)
        let spec = try sealTriggerSecrets(in: sealSecrets(in: completed.spec))
        try checkAbsoluteVolumes(spec)
        try checkChain(spec)
        let at = now()
        let bindings = zip(spec.triggers, completed.bindingIDs).map { trigger, id in
            Binding(
                id: id, kind: trigger.kind, config: trigger.config,
                workloads: [.init(name: spec.name, action: trigger.action)], owner: spec.name, createdAt: at)
        }
        let result = try database.applyWorkload(spec, inlineBindings: bindings, now: at)
        sourceKinds.withLock { $0[spec.name] = spec.source.kind }
        surfaceAccess.withLock { $0[spec.name] = spec.access }
        _ = surfaceContexts.withLock { $0.removeValue(forKey: spec.name) }
        if result.1 != .unchanged {
            surfaceEpoch.add(1, ordering: .releasing)
            logger.info("workload \(spec.name) \(result.1.rawValue) (generation \(result.0.generation))")
            reconciler.wake()
            watchers.wake()
        }
        return AppliedWorkload(workload: result.0, result: result.1, secrets: result.1 == .unchanged ? [:] : completed.generated)
    }

    /// An `absolute` volume reaches outside the data directory, so it must sit under a folder
    /// the operator allowed in the server config (`volumes.allow`); an operator hook likewise
    /// under `hooks.allow`.
    private func checkAbsoluteVolumes(_ spec: WorkloadSpec) throws {
        for (i, volume) in spec.volumes.enumerated() where volume.scope == .absolute {
            let path = URL(fileURLWithPath: volume.path ?? "/").standardizedFileURL.path
            guard allowedVolumeRoots.contains(path) else {
                throw FerryError.invalid("volumes.\(i).path", "\(path) is not under a folder listed in the server config's volumes.allow (\(allowedVolumeRoots.listed))")
            }
        }
        for (i, target) in spec.publish.enumerated() {
            guard let dir = target.dir else { continue }
            guard allowedVolumeRoots.contains(URL(fileURLWithPath: dir).standardizedFileURL.path) else {
                throw FerryError.invalid("publish.\(i).dir", "\(dir) is not under a folder listed in the server config's volumes.allow (\(allowedVolumeRoots.listed))")
            }
        }
        for (action, hooks) in spec.hooks.sorted(by: { $0.key < $1.key }) {
            for (phase, list) in [("before", hooks.before), ("after", hooks.after)] {
                for (i, hook) in list.enumerated() where !hookRoots.contains(hook.run) {
                    throw FerryError.invalid("hooks.\(action).\(phase).\(i).run", "\(hook.run) is not under a folder listed in the server config's hooks.allow (\(hookRoots.listed))")
                }
            }
        }
    }

    public func workload(_ name: String) throws -> Workload {
        guard let workload = try database.workload(name) else { throw FerryError.notFound("workload", name) }
        return workload
    }

    /// Removes a workload: its record, inline bindings, queued jobs, and its files (builds,
    /// volumes of scope `workload`). Running jobs are cancelled first.
    public func delete(_ name: String) throws {
        _ = try workload(name)
        for job in try database.jobs(workload: name, states: [.running]) { _ = runner.cancel(jobID: job.id) }
        try database.deleteWorkload(name, now: now())
        activator.deactivate(workload: name)
        try? FileManager.default.removeItem(at: paths.workload(name))
        liveBuilds.forget(name)
        _ = sourceKinds.withLock { $0.removeValue(forKey: name) }
        _ = surfaceAccess.withLock { $0.removeValue(forKey: name) }
        _ = surfaceContexts.withLock { $0.removeValue(forKey: name) }
        watchers.wake()
        logger.info("workload \(name) deleted")
    }

    /// Starts an action through the dispatcher, as a person (API, CLI, UI) asked for it.
    public func run(workload name: String, action: String, params: JSONValue = .object([:]), by: String = "api") throws -> Job {
        let result = try dispatcher.dispatch(DispatchRequest(
            kind: "manual", summary: "\(action) on \(name), asked for by \(by)",
            targets: [.init(workload: name, action: action, params: params)], payload: .object(["by": .string(by)])))
        guard let job = result.jobs.first else { throw FerryError(.internal, "the dispatcher queued no job") }
        return job
    }

    /// Cancels a queued job at once, or asks a running one to stop; it ends as `cancelled`.
    public func cancel(jobID: String) throws -> Job {
        guard let job = try database.job(jobID) else { throw FerryError.notFound("job", jobID) }
        switch job.state {
        case .queued:
            let at = now()
            return try database.updateJob(jobID) { $0.state = .cancelled; $0.message = "cancelled"; $0.finishedAt = at } ?? job
        case .running:
            guard runner.cancel(jobID: jobID) else { throw FerryError(.conflict, "job \(jobID) is not running in this process") }
            return job
        default:
            throw FerryError(.conflict, "job \(jobID) already ended (\(job.state.rawValue))")
        }
    }

    /// The source kind of a workload, or nil when there is no such workload. Cached: this is
    /// on the path of every request a surface serves.
    public func sourceKind(of name: String) throws -> String? {
        if let kind = sourceKinds.withLock({ $0[name] }) { return kind }
        guard let workload = try database.workload(name) else { return nil }
        sourceKinds.withLock { $0[name] = workload.spec.source.kind }
        return workload.spec.source.kind
    }

    /// Whether a workload's surfaces need a token; nil when there is no such workload. Cached
    /// like `sourceKind`, for the same reason.
    public func surfaceAccess(of name: String) throws -> WorkloadAccess? {
        if let access = surfaceAccess.withLock({ $0[name] }) { return access }
        guard let workload = try database.workload(name) else { return nil }
        surfaceAccess.withLock { $0[name] = workload.spec.access }
        return workload.spec.access
    }

    /// The build a workload serves now, with its manifest; cached until `current` moves.
    /// The live build of a workload whose surfaces are open to all, as `liveBuild` last found it
    /// while none of its builds was switched since, with the count of spec changes (`apply`) so far: an
    /// answer kept under that build and count is still the answer. Never touches the disk or
    /// the database, so an event loop may ask; nil means "take the slower path".
    public func knownPublicLiveBuild(_ name: String) -> (live: LiveBuild, epoch: Int)? {
        let epoch = surfaceEpoch.load(ordering: .acquiring)
        guard surfaceAccess.withLock({ $0[name] }) == .public, let live = liveBuilds.known(name) else { return nil }
        return (live, epoch)
    }

    /// Serving asks on every request: while no build was switched since the last look, the
    /// answer (and the live build's index and memo) comes from memory, not from readlink.
    public func liveBuild(_ name: String) -> LiveBuild? { liveBuilds.live(name) }
}

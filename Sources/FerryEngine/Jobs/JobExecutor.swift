import FerryCore
import FerryStore
import Foundation
import Logging

/// Runs one claimed job to its end: context → resolve → plugin action → (for builds) manifest,
/// verification, activation, deploy record, retention. Whatever happens, the job ends in a
/// final state with a reason, and a failed or interrupted build never touches what is live.
struct JobExecutor: Sendable {
    let database: FerryDatabase
    let registry: PluginRegistry
    let paths: FerryPaths
    let activator: BuildActivator
    let liveBuilds: LiveBuildCache
    let retain: Int
    let now: @Sendable () -> Date
    let logger: Logger
    let secrets: SecretBox
    let http: any HTTPFetcher
    /// Base of absolute URLs (`http://host:8080`); a workload's mount is appended.
    let publicURL: String
    /// Queues a finished job's follow-ups through the dispatcher (set once the dispatcher exists).
    let followUps: @Sendable (_ job: Job, _ requests: [JobContext.FollowUp]) -> Void
    let disk: DiskGuard
    let notifier: Notifier
    let hooks: HookRunner

    /// `shuttingDown` tells a cancellation by shutdown (the job is interrupted and will be re-run)
    /// from one asked for by a person (the job is cancelled).
    func execute(_ job: Job, shuttingDown: @Sendable () -> Bool) async {
        let log: JobLog
        let workload: Workload
        let env: [String: String]
        // Until the workload's secrets are open, only credentials written into URLs are masked.
        var redactor = Redactor(secrets: [])
        do {
            guard let found = try database.workload(job.workload) else {
                finish(job.id, .failed, "workload \(job.workload) no longer exists", redactor: redactor)
                return
            }
            workload = found
            let opened = try secrets.openEnv(found.spec)
            env = opened.env
            redactor = Redactor(secretValues: opened.secrets)
            log = try JobLog(url: paths.log(job.id), redactor: redactor)
        } catch {
            finish(job.id, .failed, "cannot start: \(error)", redactor: redactor)
            return
        }
        defer { log.close() }
        log.write("job \(job.id): \(job.action) on \(job.workload) (attempt \(job.attempt), generation \(workload.generation))")

        let scratch = paths.scratch.appendingPathComponent(job.id)
        defer { try? FileManager.default.removeItem(at: scratch) }
        var buildID: String?
        disk.reserve.ensure()
        let freeAtStart = DiskGuard.measure(paths.root.path)?.free ?? 0
        do {
            let plugin = try registry.source(workload.spec.source.kind)
            guard let action = plugin.action(named: job.action) ?? Promotion.action(job.action) else {
                throw FerryError(.invalidInput, "source \(type(of: plugin).kind) has no action \"\(job.action)\"")
            }
            let buildDir: URL
            if action.producesBuild {
                let id = IDs.make("b", at: now())
                buildID = id
                buildDir = paths.buildContent(job.workload, id)
            } else {
                buildDir = scratch.appendingPathComponent("build")
            }
            let baseline = action.producesBuild && job.action != Promotion.actionName
                ? BuildBaseline(base: base(of: job.workload, log: log), objects: paths.objects)
                : BuildBaseline(base: nil, objects: paths.objects)
            do { try disk.check(workload.spec) } catch let error as FerryError {
                notifier.emit(.diskLow, workload: workload.spec.name, key: "disk", subject: "disk space low", text: "⚠ \(workload.spec.name): \(error.message)")
                throw error
            }
            try FileManager.default.createDirectory(at: buildDir, withIntermediateDirectories: true)
            try FileManager.default.createDirectory(at: scratch.appendingPathComponent("work"), withIntermediateDirectories: true)
            let stateDir = paths.state(job.workload)
            try FileManager.default.createDirectory(at: stateDir, withIntermediateDirectories: true)
            let context = JobContext(
                workload: workload.spec, env: env, buildDirectory: buildDir, baseline: baseline,
                scratchDirectory: scratch.appendingPathComponent("work"),
                volumes: try VolumeResolver(database: database, paths: paths).resolve(workload.spec, scratch: scratch),
                stateDirectory: stateDir, jobID: job.id,
                records: OwnedRecords(database: database, owner: OwnedRecords.workload(job.workload), now: now),
                http: http, publicBase: publicURL + "/" + type(of: plugin).mount + "/" + job.workload, git: registry.git,
                children: ChildLedger(file: scratch.appendingPathComponent(ChildLedger.fileName)),
                artifacts: ArtifactShelf(database: database, paths: paths, now: now), log: log,
                reportProgress: { [database, redactor] fraction, note in
                    let shown = redactor.redact(note)
                    _ = try? database.updateJob(job.id) { $0.progress = fraction; $0.progressNote = shown }
                })

            var revision = job.revision
            if revision == nil, action.producesBuild, job.action != Promotion.actionName {
                context.progress(0, "resolving revision")
                revision = try await plugin.resolve(params: job.params, context: context)
            }
            if let revision {
                log.write("revision \(revision.label)")
                try database.updateJob(job.id) { $0.revision = revision }
            }
            let actionHooks = workload.spec.hooks[job.action] ?? ActionHooks()
            let hookFacts = ["FERRY_BUILD_DIR": buildDir.path, "FERRY_REVISION": revision?.id ?? ""]
            if !actionHooks.before.isEmpty {
                try await hooks.run(actionHooks.before, phase: "before", job: job, context: context, extra: hookFacts)
            }
            var promotion: Promotion?
            let outcome: ActionOutcome
            if job.action == Promotion.actionName {
                let p = try Promotion.prepare(child: workload.spec, params: job.params, database: database, activator: activator, liveBuilds: liveBuilds)
                promotion = p
                revision = p.revision
                outcome = p.outcome(context: context)
            } else {
                outcome = try await plugin.run(action: job.action, revision: revision, params: job.params, context: context)
            }
            try Task.checkCancellation()

            switch outcome {
            case .done(let summary, let details):
                log.write(summary)
                if let failure = await after(actionHooks, job: job, context: context, facts: hookFacts) {
                    finish(job.id, .failed, "\(summary); but \(failure)", details: details.isNull ? nil : details, redactor: redactor)
                    return
                }
                finish(job.id, .succeeded, summary, details: details.isNull ? nil : details, redactor: redactor)
                let requested = context.requestedFollowUps
                if !requested.isEmpty { followUps(job, requested) }
            case .built(let meta):
                guard let buildID else { throw FerryError(.internal, "action \(job.action) returned a build but does not produce one") }
                let summary = try await activateBuild(
                    buildID, content: buildDir, job: job, generation: workload.generation, revision: revision, meta: meta,
                    promotion: promotion, context: context)
                let failure = await afterDeploy(actionHooks, buildID: buildID, job: job, context: context, scratch: scratch, facts: hookFacts)
                if let failure {
                    // The build is live; only the after step failed, so the build stays.
                    finish(job.id, .failed, "\(summary); but \(failure)", buildID: buildID, redactor: redactor)
                    return
                }
                finish(job.id, .succeeded, summary, buildID: buildID, redactor: redactor)
            }
        } catch {
            if let buildID { try? FileManager.default.removeItem(at: paths.build(job.workload, buildID)) }
            let interrupted = error is CancellationError && shuttingDown()
            if interrupted {
                // Left `running` on purpose: the next start finds it, marks it
                // `failed (interrupted)` and queues it again, exactly as after a crash.
                log.write("interrupted by shutdown; it will run again when Ferry starts")
                _ = try? database.updateJob(job.id) { $0.progressNote = Reconciler.shutdownNote }
                return
            }
            let state: Job.State = error is CancellationError ? .cancelled : .failed
            let full = DiskFull.matches(error)
            // What the job wrote is of no use now, and the end must still be recorded.
            if full { try? FileManager.default.removeItem(at: scratch) }
            let reported: any Error = full
                ? DiskFull(freeAtStart: freeAtStart, liveBytes: liveBuilds.known(job.workload)?.manifest.totalBytes ?? 0)
                    .error(error, dataDirectory: paths.root.path)
                : error
            let message = redactor.redact(error is CancellationError ? "cancelled" : "\(reported)")
            log.write("\(state.rawValue): \(message)")
            finish(job.id, state, message, redactor: redactor)
            if buildID != nil, state == .failed {
                recordFailure(workload: workload, action: job.action, message: message)
            }
        }
    }

    /// The live build a new build starts from, when it is whole; nil makes the source write
    /// everything (the first deploy, or a live build with objects missing).
    private func base(of workload: String, log: JobLog) -> BuildManifest? {
        guard let live = activator.liveBuildID(workload: workload) else { return nil }
        let (manifest, problem) = liveBuilds.check(workload, live)
        guard let manifest else { return nil }
        if let problem {
            log.write("the live build \(live) is not whole (\(problem)); this build writes every file")
            return nil
        }
        return manifest
    }

    private var objects: ObjectStore { ObjectStore(root: paths.objects) }

    private func activateBuild(
        _ buildID: String, content: URL, job: Job, generation: Int, revision: Revision?, meta: JSONValue,
        promotion: Promotion?, context: JobContext
    ) async throws -> String {
        let dir = paths.build(job.workload, buildID)
        let manifest: BuildManifest
        let digest: String
        if let promotion {
            manifest = promotion.build(buildID, workload: job.workload, meta: meta, now: now())
            digest = promotion.digest
            try? FileManager.default.removeItem(at: content)
        } else {
            manifest = try assemble(buildID, content: content, job: job, revision: revision, meta: meta, context: context)
            digest = ManifestBuilder.digest(manifest)
        }
        try ManifestBuilder.write(manifest, to: dir)
        if !context.workload.publish.isEmpty {
            context.progress(0.96, "publishing")
            try await Publisher(paths: paths, http: http).publish(manifest, workload: context.workload, env: context.env) { context.log($0) }
        }
        let build = Build(
            id: buildID, workload: job.workload, jobID: job.id, revision: revision, fileCount: manifest.files.count,
            totalBytes: manifest.totalBytes, digest: digest, createdAt: now())
        try database.insertBuild(build)
        let previous = activator.liveBuildID(workload: job.workload)
        try activator.activate(workload: job.workload, buildID: buildID)
        liveBuilds.adopt(job.workload, manifest)
        let deploy = Deploy(
            id: IDs.make("d", at: now()), workload: job.workload, buildID: buildID, kind: promotion == nil ? .deploy : .promote,
            revision: revision, jobID: job.id, fromDeployID: promotion?.parentDeployID, previousBuildID: previous, createdAt: now())
        let label = revision?.label ?? buildID
        let before = try database.workload(job.workload)?.status.health ?? .unknown
        try database.recordDeploy(deploy) { status in
            status.observedGeneration = max(status.observedGeneration, generation)
            status.liveBuildID = buildID
            status.liveRevision = revision?.id
            if status.wantedRevision == revision?.id { status.wantedRevision = nil }
            status.health = .healthy
            status.reason = promotion.map { "promoted \(label) from \($0.parent) as build \(buildID)" } ?? "deployed \(label) as build \(buildID)"
            status.failures = 0
            status.failedGeneration = nil
            status.lastFailureAt = nil
        }
        let live = promotion.map { "promoted \(label) from \($0.parent) as build \(buildID)" } ?? "deployed \(label) as build \(buildID)"
        notifier.deployed(deploy, summary: live)
        notifier.health(of: job.workload, from: before, to: .healthy, reason: live)
        let pruned = activator.prunable(builds: try database.builds(workload: job.workload), keep: retain, live: buildID)
        if !pruned.isEmpty {
            try database.markBuildsPruned(pruned, now: now())
            activator.remove(workload: job.workload, buildIDs: pruned)
            context.log("retention: removed \(pruned.count) old build(s): \(pruned.joined(separator: ", "))")
        }
        context.progress(1, "live: \(label), \(manifest.files.count) files")
        return "deployed \(label) as build \(buildID) (\(manifest.files.count) files, \(manifest.totalBytes) bytes)"
    }

    /// The files the source put, stored as objects, and the base paths it kept: the new build's
    /// manifest, checked before it may go live.
    private func assemble(
        _ buildID: String, content: URL, job: Job, revision: Revision?, meta: JSONValue, context: JobContext
    ) throws -> BuildManifest {
        context.progress(0.9, "storing files")
        let baseline = context.baseline
        let made = try BuildAssembler(objects: objects).assemble(
            content: content, baseline: baseline, buildID: buildID, workload: job.workload, revision: revision, meta: meta, now: now(),
            progress: { fraction, note in context.progress(0.9 + 0.05 * fraction, note) })
        context.log("build \(buildID): \(made.put) file(s) put (\(made.stored) new), \(made.kept) kept from build \(baseline.base?.buildID ?? "-")")
        // The kept paths' objects were found present when their build went live (or when the
        // job started, for a build loaded after a restart: `LiveBuildCache.check`) and nothing
        // removes objects a build lists; what was put was stored just now. Checking those is
        // what activation needs.
        context.progress(0.95, "checking \(made.written.count) new files")
        var fresh = made.manifest
        fresh.files = made.written
        if let problem = ManifestVerifier.problem(fresh, objects: objects, depth: .present) {
            throw FerryError(.failed, "build \(buildID) failed verification: \(problem)")
        }
        return made.manifest
    }

    /// The `after` hooks of a deploy, which see the live build as a folder of files
    /// (`FERRY_BUILD_DIR`): links to its objects, made for them and removed with the scratch.
    private func afterDeploy(
        _ hooks: ActionHooks, buildID: String, job: Job, context: JobContext, scratch: URL, facts: [String: String]
    ) async -> String? {
        guard !hooks.after.isEmpty else { return nil }
        let view = scratch.appendingPathComponent("live")
        do {
            let manifest = try ManifestBuilder.read(from: paths.build(job.workload, buildID))
            try BuildTree(objects: objects).materialize(manifest, into: view)
        } catch {
            return "cannot show the live build to the after hooks: \(error)"
        }
        return await after(hooks, job: job, context: context, facts: facts.merging(["FERRY_BUILD_DIR": view.path]) { $1 })
    }

    /// The `after` hooks of a finished action; what went wrong, or nil.
    private func after(_ hooks: ActionHooks, job: Job, context: JobContext, facts: [String: String]) async -> String? {
        guard !hooks.after.isEmpty else { return nil }
        do {
            try await self.hooks.run(hooks.after, phase: "after", job: job, context: context, extra: facts)
            return nil
        } catch let error as FerryError {
            return error.message
        } catch {
            return "an after hook was cancelled"
        }
    }

    private func recordFailure(workload: Workload, action: String, message: String) {
        let at = now()
        let generation = workload.generation
        let before = (try? database.workload(workload.name))??.status.health ?? workload.status.health
        let updated = try? database.updateStatus(workload.name) { status in
            status.failures = status.failedGeneration == generation ? status.failures + 1 : 1
            status.failedGeneration = generation
            status.lastFailureAt = at
            status.health = status.liveBuildID == nil ? .failing : .degraded
            status.reason = "\(action) failed: \(message)" + (status.liveBuildID.map { "; build \($0) stays live" } ?? "")
        }
        if let updated = updated ?? nil {
            notifier.health(of: workload.name, from: before, to: updated.status.health, reason: updated.status.reason)
        }
    }

    /// Every job message and detail passes the redactor: they are shown by the API and the UI,
    /// and an error from a tool can quote the secret it was given.
    private func finish(
        _ id: String, _ state: Job.State, _ message: String, buildID: String? = nil, details: JSONValue? = nil,
        redactor: Redactor
    ) {
        let at = now()
        let message = redactor.redact(message)
        let details = details.map(redactor.redact)
        let record = {
            try database.updateJob(id) { job in
                job.state = state
                job.message = message
                job.finishedAt = at
                if let buildID { job.buildID = buildID }
                if let details { job.details = details }
                if state == .succeeded { job.progress = 1 }
            }
        }
        do {
            let finished: Job?
            do { finished = try record() } catch where DiskFull.matches(error) && disk.reserve.release() {
                logger.warning("the data directory's disk is full: released its reserve to record the end of job \(id)")
                finished = try record()
            }
            if let finished { notifier.jobFinished(finished, state: state, message: message, details: details) }
        } catch {
            logger.error("cannot record the end of job \(id): \(error)")
        }
    }
}

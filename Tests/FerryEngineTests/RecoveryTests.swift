import FerryCore
import FerryEngine
import FerryStore
import Foundation
import Logging
import StaticSiteSource
import Testing

/// Start-up recovery re-runs what a dead server cut short, but not forever: a job that kills the
/// process would otherwise kill it again on every start.
@Suite struct RecoveryTests {
    /// An engine whose reconciler and watchers only run when called, with one workload and one
    /// deploy of it left `running`, as a killed server leaves it.
    func withInterruptedDeploy(attempt: Int, progressNote: String? = nil, _ body: (Engine, Job) throws -> Void) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ferry-recover-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        var registry = PluginRegistry()
        registry.register(StaticSiteSource())
        var configuration = Engine.Configuration(dataDirectory: dir)
        configuration.runsReconciler = false
        configuration.runsWatchers = false
        let engine = try Engine(configuration: configuration, registry: registry, logger: Logger(label: "test"))
        try engine.apply(.object([
            "name": .string("docs"),
            "source": .object(["kind": .string("static-site"), "config": .object(["repo": .string("https://git.example/docs.git")])]),
        ]))
        _ = try engine.dispatcher.dispatch(DispatchRequest(
            kind: "manual", summary: "deploy docs", targets: [.init(workload: "docs", action: "deploy", attempt: attempt)]))
        let running = try #require(try engine.database.claimRunnableJobs(limit: 1, now: Date()).first)
        if let progressNote { _ = try engine.database.updateJob(running.id) { $0.progressNote = progressNote } }
        try body(engine, running)
    }

    @Test func aCrashedJobRunsAgainAsTheNextAttempt() throws {
        try withInterruptedDeploy(attempt: 1) { engine, job in
            let requeued = try engine.reconciler.recover()
            #expect(requeued.map(\.attempt) == [2])
            #expect(try engine.database.job(job.id)?.message == "interrupted")
        }
    }

    @Test func theThirdCrashLeavesTheJobFailedAndQueuesNothing() throws {
        try withInterruptedDeploy(attempt: 3) { engine, job in
            #expect(try engine.reconciler.recover().isEmpty)
            let failed = try #require(try engine.database.job(job.id))
            #expect(failed.state == .failed)
            #expect(failed.message?.hasPrefix("crashed the server 3 times") == true, "\(failed.message ?? "")")
            #expect(try engine.database.jobs(workload: "docs", states: [.queued, .running]).isEmpty)
        }
    }

    /// A graceful shutdown is not the job's fault, so it does not use up an attempt.
    @Test func aJobStoppedByShutdownRunsAgainWithoutCountingAnAttempt() throws {
        try withInterruptedDeploy(attempt: 3, progressNote: "interrupted by shutdown") { engine, _ in
            let requeued = try engine.reconciler.recover()
            #expect(requeued.map(\.attempt) == [3])
        }
    }
}

import FerryCore
import FerryEngine
import FerryStore
import Foundation
import Testing

/// Start-up recovery re-runs what a dead server cut short, but not forever: a job that kills the
/// process would otherwise kill it again on every start.
@Suite struct RecoveryTests {
    /// An engine whose reconciler and watchers only run when called, with one workload and one
    /// deploy of it left `running`, as a killed server leaves it.
    func withInterruptedDeploy(attempt: Int, progressNote: String? = nil, _ body: (Engine, Job) throws -> Void) throws {
        try QuietEngine.with { engine in
            try engine.apply(QuietEngine.site("docs"))
            _ = try engine.dispatcher.dispatch(DispatchRequest(
                kind: "manual", summary: "deploy docs", targets: [.init(workload: "docs", action: "deploy", attempt: attempt)]))
            let running = try #require(try engine.database.claimRunnableJobs(limit: 1, now: Date()).first)
            if let progressNote { _ = try engine.database.updateJob(running.id) { $0.progressNote = progressNote } }
            try body(engine, running)
        }
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

    /// Found by the chaos campaign: a kill after the deploy was recorded re-ran the job, making a
    /// second deploy of the same revision and showing a failure while its build was live.
    @Test func aJobWhoseDeployWasRecordedIsClosedAsSucceededNotReRun() throws {
        try withInterruptedDeploy(attempt: 1) { engine, job in
            try engine.database.insertBuild(Build(
                id: "b-1", workload: "docs", jobID: job.id, revision: Revision(id: "abc123"), fileCount: 1, totalBytes: 1,
                digest: "00", createdAt: Date()))
            _ = try engine.database.recordDeploy(Deploy(
                id: "d-1", workload: "docs", buildID: "b-1", kind: .deploy, revision: Revision(id: "abc123"), jobID: job.id,
                previousBuildID: nil, createdAt: Date())) { _ in }
            #expect(try engine.reconciler.recover().isEmpty)
            let closed = try #require(try engine.database.job(job.id))
            #expect(closed.state == .succeeded)
            #expect(closed.buildID == "b-1")
            #expect(closed.message?.contains("the server stopped before the job was closed") == true)
        }
    }

    /// Also from the campaign: scratch checkouts of crashed jobs piled up, one per crash, and a
    /// kill between recording and removing pruned builds left their folders half there.
    @Test func scratchFoldersAndPrunedBuildFoldersAreRemovedAtStart() throws {
        try withInterruptedDeploy(attempt: 1) { engine, job in
            let scratch = engine.paths.scratch.appendingPathComponent(job.id).appendingPathComponent("work/checkout")
            try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
            try Data("x".utf8).write(to: scratch.appendingPathComponent("file"))
            let pruned = engine.paths.build("docs", "b-old")
            try FileManager.default.createDirectory(at: pruned, withIntermediateDirectories: true)
            try engine.database.insertBuild(Build(
                id: "b-old", workload: "docs", jobID: nil, revision: nil, fileCount: 1, totalBytes: 1, digest: "00", createdAt: Date()))
            try engine.database.markBuildsPruned(["b-old"], now: Date())
            _ = try engine.reconciler.recover()
            #expect(try FileManager.default.contentsOfDirectory(atPath: engine.paths.scratch.path).isEmpty)
            #expect(!FileManager.default.fileExists(atPath: pruned.path))
        }
    }
}

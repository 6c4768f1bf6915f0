import FerryCore
import FerryEngine
import FerryStore
import Foundation
import Synchronization
import Testing

/// The retention service keeps the store and the data dir from growing without end, and never
/// removes what is still in use.
@Suite struct RetentionTests {
    final class Clock: Sendable {
        let date = Mutex(Date(timeIntervalSince1970: 1_750_000_000))
        func advance(days: Double) { date.withLock { $0 = $0.addingTimeInterval(days * 86_400) } }
        var now: Date { date.withLock { $0 } }
    }

    func withEngine(_ policy: RetentionPolicy = RetentionPolicy(), _ body: (Engine, Clock) throws -> Void) throws {
        let clock = Clock()
        try QuietEngine.with(configure: { $0.retention = policy }, now: { clock.now }) { engine in
            for name in ["docs", "blog"] { try engine.apply(QuietEngine.site(name)) }
            try body(engine, clock)
        }
    }

    /// A finished deploy job of `workload`, with a log file, as a run leaves it.
    @discardableResult
    func finishedJob(_ engine: Engine, _ workload: String, state: Job.State = .succeeded) throws -> Job {
        let job = try #require(try engine.dispatcher.dispatch(DispatchRequest(
            kind: "manual", summary: "deploy \(workload)", targets: [.init(workload: workload, action: "deploy")])).jobs.first)
        _ = try engine.database.updateJob(job.id) { $0.state = state; $0.finishedAt = $0.createdAt }
        try FileManager.default.createDirectory(at: engine.paths.log(job.id).deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data("log of \(job.id)\n".utf8).write(to: engine.paths.log(job.id))
        return job
    }

    @Test func oldEventsAndFinishedJobsGoWithTheirLogsAndTheRecentStay() throws {
        try withEngine { engine, clock in
            let old = try finishedJob(engine, "docs")
            let stillQueued = try #require(try engine.dispatcher.dispatch(DispatchRequest(
                kind: "manual", summary: "deploy blog", targets: [.init(workload: "blog", action: "deploy")])).jobs.first)
            clock.advance(days: 91)
            let recent = try finishedJob(engine, "docs")

            let removed = try engine.retention.pass()
            #expect(removed["jobs"] == 1)
            #expect(try engine.database.event(try #require(old.eventID)) == nil, "\(removed)")
            #expect(try engine.database.job(old.id) == nil)
            #expect(!FileManager.default.fileExists(atPath: engine.paths.log(old.id).path))
            #expect(try engine.database.job(recent.id) != nil)
            #expect(FileManager.default.fileExists(atPath: engine.paths.log(recent.id).path))
            #expect(try engine.database.job(stillQueued.id)?.state == .queued)
            #expect(try engine.database.event(try #require(stillQueued.eventID)) != nil)
            // A second pass at the same moment finds nothing more.
            #expect(try engine.retention.pass().isEmpty)
        }
    }

    @Test func artifactsBeyondTheNewestKeepAreRemovedPerWorkloadWithTheirFiles() throws {
        var policy = RetentionPolicy()
        policy.artifacts = RetentionRule(keep: 2)
        try withEngine(policy) { engine, clock in
            var names: [String: [String]] = [:]
            for workload in ["docs", "blog"] {
                for i in 0..<4 {
                    clock.advance(days: 1)
                    let name = "diff-\(i).tar.zst"
                    let folder = engine.paths.artifacts(workload)
                    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                    try Data("archive \(i)".utf8).write(to: folder.appendingPathComponent(name))
                    try engine.database.insertArtifact(Artifact(
                        id: "a-\(workload)-\(i)", workload: workload, jobID: nil, name: name, size: 9, sha256: "00", createdAt: clock.now))
                    names[workload, default: []].append(name)
                }
            }
            #expect(try engine.retention.pass()["artifacts"] == 4)
            for workload in ["docs", "blog"] {
                let kept = try engine.database.artifacts(workload: workload).map(\.name)
                #expect(kept == ["diff-3.tar.zst", "diff-2.tar.zst"])
                let files = try FileManager.default.contentsOfDirectory(atPath: engine.paths.artifacts(workload).path).sorted()
                #expect(files == ["diff-2.tar.zst", "diff-3.tar.zst"])
            }
        }
    }

    @Test func policiesAreReadFromConfigWithTheFieldNamedOnError() throws {
        let policy = try RetentionPolicy(json: .object([
            "events": .object(["maxAge": .string("30d")]), "artifacts": .object(["keep": .number(50)]),
        ]))
        #expect(policy.events == RetentionRule(maxAge: .seconds(30 * 86_400)))
        #expect(policy.artifacts == RetentionRule(keep: 50))
        #expect(policy.jobs == RetentionPolicy().jobs)
        for (bad, field) in [
            (JSONValue.object(["evnts": .object([:])]), "retention.evnts"),
            (.object(["events": .object(["maxAge": .string("soon")])]), "retention.events.maxAge"),
            (.object(["artifacts": .object(["keep": .number(-1)])]), "retention.artifacts.keep"),
            (.object(["jobs": .object(["keep": .number(1e300)])]), "retention.jobs.keep"),
        ] {
            let error = #expect(throws: FerryError.self) { try RetentionPolicy(json: bad) }
            #expect(error?.field == field)
        }
    }
}

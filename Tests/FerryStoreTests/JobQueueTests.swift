import FerryCore
import FerryStore
import Foundation
import Testing

/// The job queue: events and their jobs stored together, claiming that keeps each workload
/// serial and the whole bounded, and start-up recovery.
@Suite struct JobQueueTests {
    typealias F = StoreFixtures

    @Test func recordEventStoresTheEventAndItsJobs() throws {
        try withDatabase { db in
            let stored = try db.recordEvent(F.event("e1", at: 5), jobs: [F.job("j1", "docs", at: 5), F.job("j2", "blog", at: 5)], decide: F.insert)
            #expect(stored.map(\.id) == ["j1", "j2"])
            #expect(try db.event("e1") == F.event("e1", at: 5))
            #expect(try db.job("j1") == F.job("j1", "docs", at: 5))
            #expect(try db.job("j2")?.workload == "blog")
        }
    }

    @Test func decideSeesOnlyTheQueuedJobsOfTheSameWorkloadOldestFirst() throws {
        try withDatabase { db in
            _ = try db.recordEvent(F.event("e0"), jobs: [
                F.job("j-new", "docs", at: 20), F.job("j-old", "docs", at: 10), F.job("j-run", "docs", at: 5, state: .running),
                F.job("j-blog", "blog", at: 1),
            ], decide: F.insert)
            let seen = SeenJobs()
            _ = try db.recordEvent(F.event("e1", at: 30), jobs: [F.job("j-req", "docs", at: 30)]) { queued, request in
                seen.record(queued.map(\.id))
                return .insert(request)
            }
            #expect(seen.ids == [["j-old", "j-new"]])
        }
    }

    @Test func aMergeDecisionUpdatesTheQueuedJobInsteadOfAddingOne() throws {
        try withDatabase { db in
            _ = try db.recordEvent(F.event("e1", at: 1), jobs: [F.job("j1", "docs", at: 1, params: .object(["commit": .string("aaaaaaa")]))], decide: F.insert)
            let stored = try db.recordEvent(F.event("e2", at: 2), jobs: [F.job("j2", "docs", at: 2, params: .object(["commit": .string("bbbbbbb")]))]) { queued, request in
                guard var merged = queued.first else { return .insert(request) }
                merged.params = request.params
                merged.eventID = "e2"
                return .merge(merged)
            }
            #expect(stored.map(\.id) == ["j1"])
            #expect(try db.jobs(workload: "docs").map(\.id) == ["j1"])
            let job = try #require(try db.job("j1"))
            #expect(job.params == .object(["commit": .string("bbbbbbb")]))
            #expect(job.eventID == "e2")
            #expect(job.createdAt == F.at(1))
            #expect(try db.job("j2") == nil)
            #expect(try db.event("e2") != nil)
        }
    }

    @Test func recordEventIsAllOrNothing() throws {
        try withDatabase { db in
            _ = try db.recordEvent(F.event("e1"), jobs: [F.job("j1", "docs")], decide: F.insert)
            // The second job reuses an existing id, so its insert fails: the event and the first job must not stay.
            #expect(throws: FerryError.self) {
                try db.recordEvent(F.event("e2", at: 1), jobs: [F.job("j2", "docs", at: 1), F.job("j1", "blog", at: 1)], decide: F.insert)
            }
            #expect(try db.event("e2") == nil)
            #expect(try db.job("j2") == nil)
            #expect(try db.job("j1")?.workload == "docs")
            #expect(try db.events().map(\.id) == ["e1"])
        }
    }

    @Test func claimTakesTheOldestJobOfEachIdleWorkloadUpToTheLimit() throws {
        try withDatabase { db in
            _ = try db.recordEvent(F.event("e1"), jobs: [
                F.job("docs-2", "docs", at: 20), F.job("docs-1", "docs", at: 10), F.job("blog-1", "blog", at: 30),
                F.job("wiki-1", "wiki", at: 40), F.job("shop-1", "shop", at: 15),
            ], decide: F.insert)

            let first = try db.claimRunnableJobs(limit: 2, now: F.at(100))
            #expect(first.map(\.id) == ["docs-1", "shop-1"])
            #expect(first.allSatisfy { $0.state == .running && $0.startedAt == F.at(100) })
            #expect(try db.job("docs-1")?.state == .running)
            #expect(try db.job("docs-1")?.startedAt == F.at(100))

            #expect(try db.claimRunnableJobs(limit: 2, now: F.at(101)).isEmpty, "the limit counts jobs already running")

            let second = try db.claimRunnableJobs(limit: 10, now: F.at(102))
            #expect(second.map(\.id) == ["blog-1", "wiki-1"], "docs-2 waits: docs already has a running job")
            #expect(try db.job("docs-2")?.state == .queued)
            #expect(try db.claimRunnableJobs(limit: 10, now: F.at(103)).isEmpty, "nothing is claimed twice")

            try db.updateJob("docs-1") { $0.state = .succeeded; $0.finishedAt = F.at(104) }
            #expect(try db.claimRunnableJobs(limit: 10, now: F.at(105)).map(\.id) == ["docs-2"])
            #expect(try db.job("docs-1")?.state == .succeeded)
        }
    }

    @Test func claimWithNoRoomOrNothingQueuedClaimsNothing() throws {
        try withDatabase { db in
            #expect(try db.claimRunnableJobs(limit: 4, now: F.at(0)).isEmpty)
            _ = try db.recordEvent(F.event("e1"), jobs: [F.job("j1", "docs")], decide: F.insert)
            #expect(try db.claimRunnableJobs(limit: 0, now: F.at(0)).isEmpty)
            #expect(try db.job("j1")?.state == .queued)
        }
    }

    @Test func interruptMarksRunningJobsFailedAndLeavesTheRest() throws {
        try withDatabase { db in
            _ = try db.recordEvent(F.event("e1"), jobs: [
                F.job("run-1", "docs", state: .running), F.job("run-2", "blog", state: .running),
                F.job("queued", "docs", at: 1), F.job("done", "wiki", state: .succeeded),
            ], decide: F.insert)
            let interrupted = try db.interruptRunningJobs(now: F.at(50))
            #expect(Set(interrupted.map(\.id)) == ["run-1", "run-2"])
            for id in ["run-1", "run-2"] {
                let job = try #require(try db.job(id))
                #expect(job.state == .failed)
                #expect(job.message == "interrupted")
                #expect(job.finishedAt == F.at(50))
            }
            #expect(try db.job("queued")?.state == .queued)
            #expect(try db.job("done")?.state == .succeeded)
            #expect(try db.interruptRunningJobs(now: F.at(60)).isEmpty)
        }
    }

    @Test func jobCountsPerState() throws {
        try withDatabase { db in
            #expect(try db.jobCounts().isEmpty)
            _ = try db.recordEvent(F.event("e1"), jobs: [
                F.job("a", "docs"), F.job("b", "blog"), F.job("c", "wiki", state: .running), F.job("d", "x", state: .failed),
                F.job("e", "x", state: .failed), F.job("f", "x", state: .failed),
            ], decide: F.insert)
            #expect(try db.jobCounts() == [.queued: 2, .running: 1, .failed: 3])
        }
    }

    @Test func jobsAreListedNewestFirstAndFilter() throws {
        try withDatabase { db in
            _ = try db.recordEvent(F.event("e1"), jobs: [
                F.job("j1", "docs", at: 1, state: .succeeded), F.job("j3", "docs", at: 3), F.job("j2", "blog", at: 2, state: .running),
            ], decide: F.insert)
            #expect(try db.jobs().map(\.id) == ["j3", "j2", "j1"])
            #expect(try db.jobs(workload: "docs").map(\.id) == ["j3", "j1"])
            #expect(try db.jobs(states: [.queued, .running]).map(\.id) == ["j3", "j2"])
            #expect(try db.jobs(limit: 1).map(\.id) == ["j3"])
            #expect(try db.workloadsWithActiveJobs() == ["docs", "blog"])
        }
    }

    @Test func updateJobChangesOneJob() throws {
        try withDatabase { db in
            _ = try db.recordEvent(F.event("e1"), jobs: [F.job("j1", "docs"), F.job("j2", "docs", at: 1)], decide: F.insert)
            let updated = try db.updateJob("j1") { $0.progress = 0.5; $0.progressNote = "copying" }
            #expect(updated?.progress == 0.5)
            #expect(try db.job("j1")?.progressNote == "copying")
            #expect(try db.job("j2")?.progress == nil)
            #expect(try db.updateJob("ghost") { $0.progress = 1 } == nil)
        }
    }
}

/// Collects what a `decide` closure saw (it must be `@Sendable`).
final class SeenJobs: @unchecked Sendable {
    private let lock = NSLock()
    private var seen: [[String]] = []
    func record(_ ids: [String]) { lock.withLock { seen.append(ids) } }
    var ids: [[String]] { lock.withLock { seen } }
}

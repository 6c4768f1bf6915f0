import FerryCore
import FerryStore
import Foundation
import Testing

/// Workloads in the store: idempotent apply with generations, inline bindings that follow the
/// spec, deletion, status changes, and a file that keeps all of it across restarts.
@Suite struct WorkloadStoreTests {
    typealias F = StoreFixtures

    @Test func aFileDatabaseRunsInWALMode() throws {
        let mode = try withDatabase { db in try db.journalMode() }
        #expect(mode == "wal")
    }

    @Test func applyCreatesThenLeavesTheSameSpecAloneThenUpdatesOnChange() throws {
        try withDatabase { db in
            let (created, first) = try db.applyWorkload(F.spec("docs"), inlineBindings: [], now: F.at(0))
            #expect(first == .created)
            #expect(created.generation == 1)
            #expect(created.status == WorkloadStatus())
            #expect(created.createdAt == F.at(0))

            let (same, second) = try db.applyWorkload(F.spec("docs"), inlineBindings: [], now: F.at(10))
            #expect(second == .unchanged)
            #expect(same.generation == 1)
            #expect(try db.workload("docs")?.generation == 1)
            #expect(try db.workload("docs")?.updatedAt == F.at(0), "an unchanged apply writes nothing")

            let (changed, third) = try db.applyWorkload(F.spec("docs", branch: "dev"), inlineBindings: [], now: F.at(20))
            #expect(third == .updated)
            #expect(changed.generation == 2)
            let stored = try #require(try db.workload("docs"))
            #expect(stored.generation == 2)
            #expect(stored.spec == F.spec("docs", branch: "dev"))
            #expect(stored.createdAt == F.at(0))
            #expect(stored.updatedAt == F.at(20))
        }
    }

    @Test func anUpdateKeepsTheStatus() throws {
        try withDatabase { db in
            _ = try db.applyWorkload(F.spec("docs"), inlineBindings: [], now: F.at(0))
            try db.updateStatus("docs") { $0.liveBuildID = "b1"; $0.observedGeneration = 1 }
            _ = try db.applyWorkload(F.spec("docs", branch: "dev"), inlineBindings: [], now: F.at(5))
            let stored = try #require(try db.workload("docs"))
            #expect(stored.status.liveBuildID == "b1")
            #expect(stored.status.observedGeneration == 1)
            #expect(stored.generation == 2)
        }
    }

    @Test func inlineBindingsAreReplacedWithTheSpecThatDeclaresThem() throws {
        try withDatabase { db in
            _ = try db.applyWorkload(F.spec("other"), inlineBindings: [F.binding("other.0", owner: "other", workload: "other")], now: F.at(0))
            _ = try db.applyWorkload(F.spec("docs"), inlineBindings: [
                F.binding("docs.0", owner: "docs", workload: "docs"), F.binding("docs.1", owner: "docs", workload: "docs"),
            ], now: F.at(0))
            #expect(try db.bindings().map(\.id) == ["docs.0", "docs.1", "other.0"])

            var replacement = F.binding("docs.0", owner: "docs", workload: "docs", at: 9)
            replacement.kind = "schedule"
            replacement.config = .object(["cron": .string("0 3 * * *")])
            _ = try db.applyWorkload(F.spec("docs", branch: "dev"), inlineBindings: [replacement], now: F.at(9))
            #expect(try db.bindings().map(\.id) == ["docs.0", "other.0"])
            #expect(try db.binding("docs.0") == replacement)
            #expect(try db.binding("docs.1") == nil)
            #expect(try db.binding("other.0")?.owner == "other")
        }
    }

    @Test func deleteRemovesOwnedRecordsAndCancelsQueuedJobsButKeepsHistory() throws {
        try withDatabase { db in
            for name in ["docs", "other"] {
                _ = try db.applyWorkload(F.spec(name), inlineBindings: [F.binding("\(name).0", owner: name, workload: name)], now: F.at(0))
                try db.insertBuild(F.build("b-\(name)", name, at: 1))
                try db.recordDeploy(F.deploy("d-\(name)", name, build: "b-\(name)", at: 2)) { _ in }
            }
            _ = try db.recordEvent(F.event("e1"), jobs: [
                F.job("j-queued", "docs", at: 3), F.job("j-running", "docs", at: 1, action: "scan", state: .running),
                F.job("j-done", "docs", at: 0, action: "scan", state: .succeeded), F.job("j-other", "other", at: 3),
            ], decide: F.insert)

            #expect(try db.deleteWorkload("docs"))

            #expect(try db.workload("docs") == nil)
            #expect(try db.binding("docs.0") == nil)
            #expect(try db.builds(workload: "docs").isEmpty)
            #expect(try db.build("b-docs") == nil)
            #expect(try db.deploys(workload: "docs").isEmpty)
            #expect(try db.job("j-queued")?.state == .cancelled)
            #expect(try db.job("j-running")?.state == .running, "a running job is the runner's to stop")
            #expect(try db.job("j-done")?.state == .succeeded)
            #expect(try db.event("e1") != nil)

            #expect(try db.workload("other") != nil)
            #expect(try db.binding("other.0") != nil)
            #expect(try db.builds(workload: "other").map(\.id) == ["b-other"])
            #expect(try db.deploys(workload: "other").map(\.id) == ["d-other"])
            #expect(try db.job("j-other")?.state == .queued)

            #expect(try db.deleteWorkload("docs") == false)
        }
    }

    @Test func updateStatusChangesOnlyTheStatus() throws {
        try withDatabase { db in
            _ = try db.applyWorkload(F.spec("docs"), inlineBindings: [], now: F.at(0))
            let updated = try db.updateStatus("docs") { status in
                status.health = .failing
                status.reason = "deploy failed: branch not found"
                status.failedGeneration = 1
                status.failures = 2
                status.lastFailureAt = F.at(30)
            }
            #expect(updated?.status.health == .failing)
            let stored = try #require(try db.workload("docs"))
            #expect(stored.status.reason == "deploy failed: branch not found")
            #expect(stored.status.failures == 2)
            #expect(stored.status.failedGeneration == 1)
            #expect(stored.status.lastFailureAt == F.at(30))
            #expect(stored.generation == 1)
            #expect(stored.spec == F.spec("docs"))

            #expect(try db.updateStatus("ghost") { $0.reason = "x" } == nil)
            #expect(try db.workload("ghost") == nil)
        }
    }

    @Test func workloadsAreListedByName() throws {
        try withDatabase { db in
            for name in ["zeta", "alpha", "mid"] { _ = try db.applyWorkload(F.spec(name), inlineBindings: [], now: F.at(0)) }
            #expect(try db.workloads().map(\.name) == ["alpha", "mid", "zeta"])
        }
    }

    @Test func reopeningTheFileKeepsEverything() throws {
        try withTemporaryDirectory { dir in
            let path = dir.appendingPathComponent("ferry.sqlite").path
            do {
                let db = try FerryDatabase(path: path)
                _ = try db.applyWorkload(F.spec("docs"), inlineBindings: [F.binding("docs.0", owner: "docs", workload: "docs")], now: F.at(0))
                _ = try db.applyWorkload(F.spec("docs", branch: "dev"), inlineBindings: [F.binding("docs.0", owner: "docs", workload: "docs")], now: F.at(1))
                _ = try db.recordEvent(F.event("e1", at: 2), jobs: [F.job("j1", "docs", at: 2)], decide: F.insert)
                try db.insertBuild(F.build("b1", "docs", at: 3))
                try db.recordDeploy(F.deploy("d1", "docs", build: "b1", at: 4)) { $0.liveBuildID = "b1" }
            }
            let reopened = try FerryDatabase(path: path)
            #expect(try reopened.journalMode() == "wal")
            let workload = try #require(try reopened.workload("docs"))
            #expect(workload.generation == 2)
            #expect(workload.spec == F.spec("docs", branch: "dev"))
            #expect(workload.status.liveBuildID == "b1")
            #expect(workload.status.lastDeployID == "d1")
            #expect(try reopened.binding("docs.0") == F.binding("docs.0", owner: "docs", workload: "docs"))
            #expect(try reopened.event("e1") == F.event("e1", at: 2))
            #expect(try reopened.job("j1") == F.job("j1", "docs", at: 2))
            #expect(try reopened.build("b1") == F.build("b1", "docs", at: 3))
            #expect(try reopened.deploy("d1") == F.deploy("d1", "docs", build: "b1", at: 4))
        }
    }
}

import FerryCore
import FerryStore
import Foundation
import Testing

/// Build and deploy records: newest first, and a deploy that always moves the status with it.
@Suite struct BuildDeployStoreTests {
    typealias F = StoreFixtures

    @Test func buildsAreListedNewestFirstPerWorkload() throws {
        try withDatabase { db in
            for (id, at) in [("b2", 20), ("b1", 10), ("b3", 30)] { try db.insertBuild(F.build(id, "docs", at: at)) }
            try db.insertBuild(F.build("x1", "blog", at: 40))
            #expect(try db.builds(workload: "docs").map(\.id) == ["b3", "b2", "b1"])
            #expect(try db.builds(workload: "blog").map(\.id) == ["x1"])
            #expect(try db.build("b2") == F.build("b2", "docs", at: 20))
            #expect(try db.build("nope") == nil)
        }
    }

    @Test func buildsMadeInTheSameInstantAreOrderedByID() throws {
        try withDatabase { db in
            for id in ["b-a", "b-c", "b-b"] { try db.insertBuild(F.build(id, "docs", at: 5)) }
            #expect(try db.builds(workload: "docs").map(\.id) == ["b-c", "b-b", "b-a"])
        }
    }

    @Test func markBuildsPrunedKeepsTheRecords() throws {
        try withDatabase { db in
            for (id, at) in [("b1", 1), ("b2", 2), ("b3", 3)] { try db.insertBuild(F.build(id, "docs", at: at)) }
            try db.markBuildsPruned(["b1", "b2"], now: F.at(9))
            let builds = try db.builds(workload: "docs")
            #expect(builds.map(\.id) == ["b3", "b2", "b1"])
            #expect(builds.map(\.prunedAt) == [nil, F.at(9), F.at(9)])
        }
    }

    @Test func recordDeployUpdatesTheStatusAndLastDeployID() throws {
        try withDatabase { db in
            _ = try db.applyWorkload(F.spec("docs"), inlineBindings: [], now: F.at(0))
            try db.insertBuild(F.build("b1", "docs", at: 1))
            let workload = try db.recordDeploy(F.deploy("d1", "docs", build: "b1", at: 2)) { status in
                status.liveBuildID = "b1"
                status.observedGeneration = 1
                status.health = .healthy
            }
            #expect(workload?.status.lastDeployID == "d1")
            let stored = try #require(try db.workload("docs"))
            #expect(stored.status.lastDeployID == "d1")
            #expect(stored.status.liveBuildID == "b1")
            #expect(stored.status.observedGeneration == 1)
            #expect(stored.status.health == .healthy)
            #expect(try db.deploy("d1") == F.deploy("d1", "docs", build: "b1", at: 2))

            try db.recordDeploy(F.deploy("d2", "docs", build: "b1", at: 3)) { _ in }
            #expect(try db.workload("docs")?.status.lastDeployID == "d2")
        }
    }

    @Test func recordDeployForAMissingWorkloadStoresNothing() throws {
        try withDatabase { db in
            let result = try db.recordDeploy(F.deploy("d1", "ghost", build: "b1", at: 1)) { $0.liveBuildID = "b1" }
            #expect(result == nil)
            #expect(try db.deploy("d1") == nil)
            #expect(try db.deploys(workload: "ghost").isEmpty)
        }
    }

    @Test func deploysAreListedNewestFirstWithALimit() throws {
        try withDatabase { db in
            _ = try db.applyWorkload(F.spec("docs"), inlineBindings: [], now: F.at(0))
            _ = try db.applyWorkload(F.spec("blog"), inlineBindings: [], now: F.at(0))
            for (id, at) in [("d2", 20), ("d4", 40), ("d1", 10), ("d3", 30)] {
                try db.recordDeploy(F.deploy(id, "docs", build: "b", at: at)) { _ in }
            }
            try db.recordDeploy(F.deploy("x1", "blog", build: "b", at: 50)) { _ in }
            #expect(try db.deploys(workload: "docs").map(\.id) == ["d4", "d3", "d2", "d1"])
            #expect(try db.deploys(workload: "docs", limit: 2).map(\.id) == ["d4", "d3"])
            #expect(try db.deploys(workload: "blog").map(\.id) == ["x1"])
        }
    }

    @Test func deployKindsAndLinksRoundTrip() throws {
        try withDatabase { db in
            _ = try db.applyWorkload(F.spec("prod"), inlineBindings: [], now: F.at(0))
            let promote = Deploy(
                id: "d9", workload: "prod", buildID: "b7", kind: .promote, revision: .git(branch: "main", commit: "abcdef0"),
                jobID: "j3", fromDeployID: "d8", previousBuildID: "b6", createdAt: F.at(9))
            try db.recordDeploy(promote) { _ in }
            #expect(try db.deploy("d9") == promote)
        }
    }
}

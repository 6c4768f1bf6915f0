import FerryCore
import FerryStore
import Foundation
import Testing

/// Plugin records: each owner sees only its own, queries page and narrow as listings need,
/// a batch lands whole, and deleting a workload takes its records with it.
@Suite struct PluginRecordStoreTests {
    typealias F = StoreFixtures

    struct Package: Codable, Equatable {
        var name: String
        var versions: Int
    }

    static func write(_ name: String, versions: Int, stamp: Int64 = 0, label: String? = nil) throws -> RecordWrite {
        try RecordWrite(key: name, value: Package(name: name, versions: versions), label: label, stamp: stamp)
    }

    @Test func recordsAreScopedToTheirOwner() throws {
        try withDatabase { db in
            let npm = OwnedRecords(database: db, owner: OwnedRecords.workload("npm"))
            let other = OwnedRecords(database: db, owner: OwnedRecords.workload("other"))
            try npm.put("packages", [Self.write("react", versions: 3)])
            #expect(try npm.value(Package.self, in: "packages", key: "react") == Package(name: "react", versions: 3))
            #expect(try other.get("packages", key: "react") == nil)
            #expect(try other.count(RecordQuery(collection: "packages")) == 0)
        }
    }

    @Test func putReplacesByKeyAndListingsPageSearchAndNarrow() throws {
        try withDatabase { db in
            let store = OwnedRecords(database: db, owner: OwnedRecords.workload("w"))
            try store.put("packages", [
                Self.write("left-pad", versions: 1, stamp: 1, label: "library"),
                Self.write("@babel/core", versions: 9, stamp: 2, label: "library"),
                Self.write("wp-plugin/akismet", versions: 4, stamp: 3, label: "wordpress-plugin"),
                Self.write("100%_real", versions: 1, stamp: 4),
            ])
            try store.put("packages", [Self.write("left-pad", versions: 2, stamp: 5, label: "library")])
            #expect(try store.value(Package.self, in: "packages", key: "left-pad")?.versions == 2)

            let all = try store.list(RecordQuery(collection: "packages"))
            #expect(all.map(\.key) == ["100%_real", "@babel/core", "left-pad", "wp-plugin/akismet"])
            #expect(try store.list(RecordQuery(collection: "packages", search: "BABEL")).map(\.key) == ["@babel/core"])
            #expect(try store.list(RecordQuery(collection: "packages", search: "%_")).map(\.key) == ["100%_real"], "LIKE wildcards are literal")
            #expect(try store.list(RecordQuery(collection: "packages", keyPrefix: "wp-")).map(\.key) == ["wp-plugin/akismet"])
            #expect(try store.list(RecordQuery(collection: "packages", label: "library")).count == 2)
            #expect(try store.list(RecordQuery(collection: "packages", maxStamp: 3)).map(\.key) == ["@babel/core", "wp-plugin/akismet"])
            #expect(try store.list(RecordQuery(collection: "packages", order: .stampDescending, limit: 2)).map(\.key) == ["left-pad", "100%_real"])
            #expect(try store.list(RecordQuery(collection: "packages", limit: 2, offset: 2)).map(\.key) == ["left-pad", "wp-plugin/akismet"])
            #expect(try store.count(RecordQuery(collection: "packages", minStamp: 4)) == 2)

            try store.delete("packages", keys: ["left-pad"])
            #expect(try store.get("packages", key: "left-pad") == nil)
            try store.deleteAll("packages")
            #expect(try store.count(RecordQuery(collection: "packages")) == 0)
        }
    }

    @Test func deletingAWorkloadDeletesItsRecords() throws {
        try withDatabase { db in
            _ = try db.applyWorkload(F.spec("docs"), inlineBindings: [], now: F.at(0))
            let store = OwnedRecords(database: db, owner: OwnedRecords.workload("docs"))
            try store.put("packages", [Self.write("a", versions: 1)])
            #expect(try db.deleteWorkload("docs"))
            #expect(try store.count(RecordQuery(collection: "packages")) == 0)
        }
    }

    @Test func artifactsAreListedNewestFirstPerWorkload() throws {
        try withDatabase { db in
            for (i, workload) in ["npm", "npm", "other"].enumerated() {
                try db.insertArtifact(Artifact(
                    id: "a\(i)", workload: workload, jobID: "j\(i)", name: "diff-\(i).tar.zst", size: Int64(i), sha256: "h\(i)",
                    details: .object(["files": .number(Double(i))]), createdAt: F.at(i)))
            }
            #expect(try db.artifacts(workload: "npm").map(\.id) == ["a1", "a0"])
            #expect(try db.artifacts().map(\.id) == ["a2", "a1", "a0"])
            #expect(try db.artifact("a1")?.details == .object(["files": .number(1)]))
        }
    }
}

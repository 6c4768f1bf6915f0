import FerryCore
import FerryEngine
import Foundation
import Synchronization
import Testing

/// `BuildActivator`: `current` is a relative symlink to `builds/<id>`, swapped by rename so a
/// reader always finds a live build; retention keeps the newest builds and the live one.
@Suite struct BuildActivatorTests {
    static let t0 = Date(timeIntervalSince1970: 1_750_000_000)

    /// A data dir with workload `docs` and the given (empty) build folders.
    func setUp(_ root: URL, builds ids: [String]) throws -> BuildActivator {
        let paths = FerryPaths(root: root)
        try paths.prepare()
        for id in ids { try FileManager.default.createDirectory(at: paths.build("docs", id), withIntermediateDirectories: true) }
        return BuildActivator(paths: paths)
    }

    func entries(_ url: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: url.path).sorted()
    }

    @Test func activateLinksCurrentToTheBuild() throws {
        try withTemporaryDirectory { root in
            let activator = try setUp(root, builds: ["b1"])
            #expect(activator.liveBuildID(workload: "docs") == nil)
            try activator.activate(workload: "docs", buildID: "b1")
            let current = activator.paths.current("docs")
            #expect(try FileManager.default.destinationOfSymbolicLink(atPath: current.path) == "builds/b1")
            #expect(activator.liveBuildID(workload: "docs") == "b1")
            #expect(current.resolvingSymlinksInPath().path == activator.paths.build("docs", "b1").resolvingSymlinksInPath().path)
        }
    }

    @Test func activatingAgainSwitchesAndLeavesNoTemporaryLinks() throws {
        try withTemporaryDirectory { root in
            let activator = try setUp(root, builds: ["b1", "b2"])
            try activator.activate(workload: "docs", buildID: "b1")
            try activator.activate(workload: "docs", buildID: "b2")
            #expect(activator.liveBuildID(workload: "docs") == "b2")
            try activator.activate(workload: "docs", buildID: "b1")
            #expect(activator.liveBuildID(workload: "docs") == "b1")
            #expect(try entries(activator.paths.workload("docs")) == ["builds", "current"])
            #expect(try entries(activator.paths.builds("docs")) == ["b1", "b2"], "switching never touches the builds")
        }
    }

    @Test func aReaderNeverFindsCurrentMissingWhileItIsSwitched() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("ferry-engine-tests-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let activator = try setUp(root, builds: ["b1", "b2"])
        try activator.activate(workload: "docs", buildID: "b1")
        let done = Flag()
        let misses = try await withThrowingTaskGroup(of: Int.self) { group in
            group.addTask {
                defer { done.set() }
                for i in 0..<400 { try activator.activate(workload: "docs", buildID: i % 2 == 0 ? "b2" : "b1") }
                return 0
            }
            group.addTask {
                var misses = 0
                while !done.isSet {
                    if activator.liveBuildID(workload: "docs") == nil { misses += 1 }
                    await Task.yield()
                }
                return misses
            }
            return try await group.reduce(0, +)
        }
        #expect(misses == 0)
    }

    @Test func activateFailsWhenTheWorkloadFolderIsMissing() throws {
        try withTemporaryDirectory { root in
            let activator = BuildActivator(paths: FerryPaths(root: root))
            #expect(throws: FerryError.self) { try activator.activate(workload: "ghost", buildID: "b1") }
            #expect(activator.liveBuildID(workload: "ghost") == nil)
        }
    }

    @Test func aLinkPointingOutsideBuildsIsNotALiveBuild() throws {
        try withTemporaryDirectory { root in
            let activator = try setUp(root, builds: ["b1"])
            try FileManager.default.createSymbolicLink(atPath: activator.paths.current("docs").path, withDestinationPath: "/tmp")
            #expect(activator.liveBuildID(workload: "docs") == nil)
        }
    }

    @Test func deactivateRemovesCurrentOnly() throws {
        try withTemporaryDirectory { root in
            let activator = try setUp(root, builds: ["b1"])
            try activator.activate(workload: "docs", buildID: "b1")
            activator.deactivate(workload: "docs")
            #expect(activator.liveBuildID(workload: "docs") == nil)
            #expect(FileManager.default.fileExists(atPath: activator.paths.build("docs", "b1").path))
        }
    }

    func builds(_ ids: [String], pruned: Set<String> = []) -> [Build] {
        ids.enumerated().map { i, id in
            Build(id: id, workload: "docs", jobID: nil, revision: nil, fileCount: 0, totalBytes: 0, digest: "",
                  createdAt: Self.t0.addingTimeInterval(TimeInterval(i)), prunedAt: pruned.contains(id) ? Self.t0 : nil)
        }
    }

    @Test func pruneKeepsTheNewestAndTheLiveOne() throws {
        try withTemporaryDirectory { root in
            let ids = ["b1", "b2", "b3", "b4", "b5"]
            let activator = try setUp(root, builds: ids)
            let removed = activator.prune(workload: "docs", builds: builds(ids).shuffled(), keep: 2, live: "b1")
            #expect(Set(removed) == ["b2", "b3"])
            #expect(try entries(activator.paths.builds("docs")) == ["b1", "b4", "b5"])
        }
    }

    @Test func pruneCountsTheLiveBuildAmongTheNewest() throws {
        try withTemporaryDirectory { root in
            let ids = ["b1", "b2", "b3", "b4"]
            let activator = try setUp(root, builds: ids)
            let removed = activator.prune(workload: "docs", builds: builds(ids), keep: 2, live: "b4")
            #expect(Set(removed) == ["b1", "b2"])
            #expect(try entries(activator.paths.builds("docs")) == ["b3", "b4"])
        }
    }

    @Test func pruneSkipsBuildsAlreadyPrunedAndKeepsAtLeastOne() throws {
        try withTemporaryDirectory { root in
            let ids = ["b1", "b2", "b3"]
            let activator = try setUp(root, builds: ids)
            #expect(activator.prune(workload: "docs", builds: builds(ids, pruned: ["b1"]), keep: 5, live: nil).isEmpty)
            let removed = activator.prune(workload: "docs", builds: builds(ids, pruned: ["b1"]), keep: 0, live: nil)
            #expect(removed == ["b2"])
            #expect(try entries(activator.paths.builds("docs")) == ["b1", "b3"])
        }
    }
}

/// A one-way flag the writer task sets when it is done.
final class Flag: Sendable {
    private let value = Atomic<Bool>(false)
    func set() { value.store(true, ordering: .releasing) }
    var isSet: Bool { value.load(ordering: .acquiring) }
}

import FerryCore
import FerryEngine
import FerryServer
import FerryTestSupport
import Foundation
import Testing

/// Builds are manifests of content-addressed objects: a deploy stores what changed, not what the
/// workload holds; promotion and rollback move a pointer; objects nothing lists go; and a data
/// dir of the older layout (a tree of files per build) is moved into the object store on start.
@Suite(.offPool) struct IncrementalBuildTests {
    static func site(_ count: Int, _ version: String) -> [String: String] {
        var files: [String: String] = ["public/index.html": "home \(version)"]
        for i in 0..<count { files["public/pages/page-\(i).html"] = "<p>page \(i)</p>" }
        return files
    }

    func objectCount(_ engine: Engine) -> Int { ObjectStore(root: engine.paths.objects).all().count }

    @Test func aOneFileChangeStoresOneObjectKeepsTheRestAndTheOldBuildStaysWhole() async throws {
        try await TestFerry.run { client, engine, temp in
            let repo = try GitRepo(in: temp)
            try repo.commit(Self.site(40, "one"))
            try await client.apply(siteWorkload("inc", repo: repo))
            let first = try await client.run("inc")
            #expect(first["state"] == .string("succeeded"))
            #expect(try await client.log(first["id"]!.plainText).contains("41 file(s) put (41 new), 0 kept"))
            #expect(objectCount(engine) == 41)

            try repo.commit(["public/index.html": "home two"])
            let second = try await client.run("inc")
            let log = try await client.log(second["id"]!.plainText)
            #expect(log.contains("1 written, 40 unchanged"), "\(log)")
            #expect(log.contains("1 file(s) put (1 new), 40 kept from build \(first["buildID"]!.plainText)"), "\(log)")
            #expect(objectCount(engine) == 42, "only the changed file became an object")
            #expect(try await client.page("/sites/inc/").1 == "home two")
            #expect(try await client.page("/sites/inc/pages/page-7.html").1 == "<p>page 7</p>")

            let objects = ObjectStore(root: engine.paths.objects)
            for job in [first, second] {
                #expect(ManifestVerifier.problem(in: engine.paths.build("inc", job["buildID"]!.plainText), objects: objects, depth: .full) == nil)
            }
            let rollback = try await client.send(.post, "/api/workloads/inc/rollback", "{}")
            #expect(rollback.status == .ok)
            #expect(try await client.page("/sites/inc/").1 == "home one")
        }
    }

    @Test func aRemovedOrRenamedFileLeavesTheSiteAndANewFileJoinsIt() async throws {
        try await TestFerry.run { client, engine, temp in
            let repo = try GitRepo(in: temp)
            try repo.commit(Self.site(3, "one"))
            try await client.apply(siteWorkload("moves", repo: repo))
            _ = try await client.run("moves")
            try repo.git("mv", "public/pages/page-1.html", "public/pages/renamed.html")
            try repo.git("rm", "-q", "public/pages/page-2.html")
            try repo.commit(["public/new.html": "new"])
            let job = try await client.run("moves")
            #expect(job["state"] == .string("succeeded"))
            let manifest = try ManifestBuilder.read(from: engine.paths.build("moves", job["buildID"]!.plainText))
            #expect(manifest.files.map(\.path) == ["index.html", "new.html", "pages/page-0.html", "pages/renamed.html"])
            #expect(try await client.page("/sites/moves/pages/page-2.html").0 == .notFound)
            #expect(try await client.page("/sites/moves/pages/renamed.html").1 == "<p>page 1</p>")
        }
    }

    @Test func promotionListsTheParentsObjectsAndStoresNothing() async throws {
        try await TestFerry.run { client, engine, temp in
            let repo = try GitRepo(in: temp)
            try repo.commit(Self.site(10, "one"))
            try await client.apply(siteWorkload("stage-dev", repo: repo))
            try await client.apply(siteWorkload("stage-prod", repo: repo) + "\nparent: stage-dev\n")
            let dev = try await client.run("stage-dev")
            let stored = objectCount(engine)
            let promoted = try await client.run("stage-prod", "promote")
            #expect(promoted["state"] == .string("succeeded"), "\(promoted)")
            #expect(objectCount(engine) == stored)
            let parent = try ManifestBuilder.read(from: engine.paths.build("stage-dev", dev["buildID"]!.plainText))
            let child = try ManifestBuilder.read(from: engine.paths.build("stage-prod", promoted["buildID"]!.plainText))
            #expect(child.files == parent.files)
            #expect(ManifestBuilder.digest(child) == ManifestBuilder.digest(parent))
            #expect(try engine.database.build(child.buildID)?.digest == ManifestBuilder.digest(child), "the parent's digest is the child's")
            #expect(engine.liveBuilds.known("stage-prod")?.manifest == child, "the build went live from memory, not read back")
            #expect(try await client.page("/sites/stage-prod/pages/page-3.html").1 == "<p>page 3</p>")
        }
    }

    /// A build loaded after a restart was not seen whole by this process: an object lost while
    /// Ferry was down is found before anything is built on it.
    @Test func anObjectLostWhileFerryWasDownIsFoundBeforeTheNextBuildKeepsIt() async throws {
        let shared = try TempDir()
        let data = shared.url.appendingPathComponent("data")
        let repo = try GitRepo(in: shared.url)
        try repo.commit(Self.site(3, "one"))
        let configure: (inout ServerConfiguration) -> Void = { $0.dataDirectory = data; $0.gitFileRoots = [shared.url.path] }
        let first: String = try await TestFerry.run(configure: configure) { client, engine, _ in
            try await client.apply(siteWorkload("lost", repo: repo))
            let id = try await client.run("lost")["buildID"]!.plainText
            #expect(engine.liveBuilds.known("lost")?.id == id)
            return id
        }
        let paths = FerryPaths(root: data)
        let lost = try #require(try ManifestBuilder.read(from: paths.build("lost", first)).files.first { $0.path == "pages/page-1.html" })
        try FileManager.default.removeItem(atPath: ObjectStore(root: paths.objects).path(lost.sha256))

        try await TestFerry.run(configure: configure) { client, engine, _ in
            try repo.commit(["public/index.html": "home two"])
            let job = try await client.run("lost")
            #expect(job["state"] == .string("succeeded"), "\(job)")
            let log = try await client.log(job["id"]!.plainText)
            #expect(log.contains("is not whole"), "\(log)")
            #expect(try await client.page("/sites/lost/pages/page-1.html").1 == "<p>page 1</p>", "the new build stored it afresh")
            #expect(ManifestVerifier.problem(in: paths.build("lost", job["buildID"]!.plainText), objects: ObjectStore(root: paths.objects), depth: .full) == nil)
        }
    }

    @Test func aDataDirWithBuildTreesIsMovedIntoTheObjectStoreOnStartWithNothingLost() async throws {
        let shared = try TempDir()
        let data = shared.url.appendingPathComponent("data")
        let repo = try GitRepo(in: shared.url)
        try repo.commit(["public/index.html": "kept", "public/a/b.css": "body{}"])
        let buildID: String = try await TestFerry.run(configure: { $0.dataDirectory = data; $0.gitFileRoots = [shared.url.path] }) { client, _, _ in
            try await client.apply(siteWorkload("old", repo: repo))
            return try await client.run("old")["buildID"]!.plainText
        }
        // Back to the layout before objects: the files under builds/<id>/content, no times.
        let paths = FerryPaths(root: data)
        var manifest = try ManifestBuilder.read(from: paths.build("old", buildID))
        let stamp = Date(timeIntervalSince1970: 1_700_000_000)
        for i in manifest.files.indices {
            let file = paths.buildContent("old", buildID).appendingPathComponent(manifest.files[i].path)
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: ObjectStore(root: paths.objects).path(manifest.files[i].sha256), toPath: file.path)
            try FileManager.default.setAttributes([.modificationDate: stamp, .posixPermissions: 0o644], ofItemAtPath: file.path)
            manifest.files[i].modified = nil
        }
        try ManifestBuilder.write(manifest, to: paths.build("old", buildID))
        try FileManager.default.removeItem(at: paths.objects)

        try await TestFerry.run(configure: { $0.dataDirectory = data; $0.gitFileRoots = [shared.url.path] }) { client, engine, _ in
            #expect(try await client.page("/sites/old/").1 == "kept")
            #expect(try await client.page("/sites/old/a/b.css").1 == "body{}")
            #expect(!FileManager.default.fileExists(atPath: paths.buildContent("old", buildID).path))
            let moved = try ManifestBuilder.read(from: paths.build("old", buildID))
            #expect(moved.files.map(\.modified) == [1_700_000_000, 1_700_000_000], "each file's time is kept as its Last-Modified")
            #expect(ManifestVerifier.problem(moved, objects: ObjectStore(root: engine.paths.objects), depth: .full) == nil)
            #expect(engine.activator.liveBuildID(workload: "old") == buildID)
            #expect(try engine.reconciler.pass().isEmpty, "nothing to rebuild")
        }
    }

    @Test func retentionSweepsObjectsNoKeptBuildListsAndKeepsTheRest() async throws {
        try await TestFerry.run(configure: { $0.retain = 1 }) { client, engine, temp in
            let repo = try GitRepo(in: temp)
            try repo.commit(["public/index.html": "one", "public/same.txt": "same"])
            try await client.apply(siteWorkload("gc", repo: repo))
            let first = try await client.run("gc")
            try repo.commit(["public/index.html": "two"])
            _ = try await client.run("gc")
            #expect(objectCount(engine) == 3)
            #expect(!FileManager.default.fileExists(atPath: engine.paths.build("gc", first["buildID"]!.plainText).path), "retain 1: pruned")

            // Within the grace period nothing goes: a starting build may just have found it.
            #expect(try engine.retention.pass()["objects"] == nil)
            let old = ObjectStore(root: engine.paths.objects).all()
            let hourAgo = Date().addingTimeInterval(-7200)
            for name in old {
                try FileManager.default.setAttributes([.modificationDate: hourAgo], ofItemAtPath: ObjectStore(root: engine.paths.objects).path(name))
            }
            #expect(try engine.retention.pass()["objects"] == 1, "\"one\" is listed by no kept build")
            #expect(objectCount(engine) == 2)
            #expect(try await client.page("/sites/gc/").1 == "two")
            #expect(try await client.page("/sites/gc/same.txt").1 == "same")
        }
    }
}

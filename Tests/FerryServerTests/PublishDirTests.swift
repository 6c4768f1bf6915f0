import FerryCore
import FerryEngine
import FerryServer
import FerryTestSupport
import Foundation
import Testing

/// `publish: [{dir: …}]`: the live build as a plain folder for another web server, switched
/// atomically between two trees and brought up to date by manifest difference. Read back by the
/// real nginx.
@Suite(.offPool) struct PublishDirTests {
    static func workload(_ name: String, repo: GitRepo, dir: String) -> String {
        siteWorkload(name, repo: repo) + "\npublish: [ { dir: \"\(dir)\" } ]\n"
    }

    @Test func nginxServesEachDeployAndRollbackAndOnlyChangedPathsAreTouched() async throws {
        let www = try TempDir()
        try await TestFerry.run(configure: { $0.allowedVolumeRoots = [www.url.path] }) { client, engine, temp in
            let repo = try GitRepo(in: temp)
            try repo.commit(["public/index.html": "one", "public/a/old.txt": "old", "public/same.css": "body{}"])
            let dir = www.url.appendingPathComponent("site").path
            try await client.apply(Self.workload("pub", repo: repo, dir: dir))
            let first = try await client.run("pub")
            #expect(first["state"] == .string("succeeded"), "\(first)")
            #expect(try FileManager.default.destinationOfSymbolicLink(atPath: dir).hasSuffix("site.ferry/a"))

            let nginx = try NginxServer(root: dir, in: temp)
            defer { nginx.stop() }
            #expect(try nginx.get("index.html") == (200, "one"))
            #expect(try nginx.get("a/old.txt") == (200, "old"))

            try repo.git("rm", "-q", "public/a/old.txt")
            try repo.commit(["public/index.html": "two", "public/new.txt": "new"])
            _ = try await client.run("pub")
            #expect(try nginx.get("index.html") == (200, "two"))
            #expect(try nginx.get("new.txt") == (200, "new"))
            #expect(try nginx.get("a/old.txt").0 == 404)
            #expect(!FileManager.default.fileExists(atPath: dir + ".ferry/b/a"), "an emptied folder goes too")

            // The third build lands in the tree that held the first: only what differs is touched.
            try repo.commit(["public/index.html": "three"])
            let third = try await client.run("pub")
            let log = try await client.log(third["id"]!.plainText)
            #expect(log.contains("to \(dir): 2 path(s) linked, 1 removed"), "index.html and new.txt linked, a/old.txt removed: \(log)")
            #expect(try nginx.get("index.html") == (200, "three"))
            #expect(try FileManager.default.destinationOfSymbolicLink(atPath: dir).hasSuffix("site.ferry/a"))

            let rollback = try await client.send(.post, "/api/workloads/pub/rollback", "{}")
            #expect(rollback.status == .ok)
            #expect(try nginx.get("index.html") == (200, "two"))
            #expect(try await client.page("/sites/pub/").1 == "two")
            _ = engine
        }
    }

    /// A crash between publishing and switching `current` (a deploy's or a rollback's) leaves
    /// the folder holding another build than the live one; the next start publishes the live one.
    @Test func aPublishDirThatHoldsAnotherBuildThanTheLiveOneIsBroughtBackOnStart() async throws {
        let www = try TempDir()
        let shared = try TempDir()
        let data = shared.url.appendingPathComponent("data")
        let repo = try GitRepo(in: shared.url)
        let dir = www.url.appendingPathComponent("site").path
        let configure: (inout ServerConfiguration) -> Void = {
            $0.allowedVolumeRoots = [www.url.path]
            $0.dataDirectory = data
            $0.gitFileRoots = [shared.url.path]
        }
        let first: String = try await TestFerry.run(configure: configure) { client, _, _ in
            try repo.commit(["public/index.html": "one"])
            try await client.apply(Self.workload("crash", repo: repo, dir: dir))
            let first = try await client.run("crash")["buildID"]!.plainText
            try repo.commit(["public/index.html": "two"])
            _ = try await client.run("crash")
            #expect(try String(contentsOfFile: dir + "/index.html", encoding: .utf8) == "two")
            return first
        }
        // As if the process died after publishing build two and before `current` moved to it.
        let current = FerryPaths(root: data).current("crash").path
        try FileManager.default.removeItem(atPath: current)
        try FileManager.default.createSymbolicLink(atPath: current, withDestinationPath: "builds/\(first)")

        try await TestFerry.run(configure: configure) { client, _, _ async throws in
            #expect(try String(contentsOfFile: dir + "/index.html", encoding: .utf8) == "one", "the folder shows the live build again")
            #expect(try await client.page("/sites/crash/").1 == "one")
        }
    }

    @Test func aFolderWithSomeoneElsesFilesIsNotReplacedAndTheDeployFailsWithNothingChanged() async throws {
        let www = try TempDir()
        try await TestFerry.run(configure: { $0.allowedVolumeRoots = [www.url.path] }) { client, engine, temp in
            let repo = try GitRepo(in: temp)
            try repo.commit(["public/index.html": "one"])
            try await client.apply(siteWorkload("theirs", repo: repo))
            _ = try await client.run("theirs")
            let live = engine.activator.liveBuildID(workload: "theirs")

            let dir = www.url.appendingPathComponent("theirs")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            try Data("mine".utf8).write(to: dir.appendingPathComponent("index.html"))
            try await client.apply(Self.workload("theirs", repo: repo, dir: dir.path))
            let job = try await client.run("theirs")
            #expect(job["state"] == .string("failed"))
            #expect(job["message"]?.stringValue?.contains("publish.0 (\(dir.path)): cannot publish to \(dir.path): it is a folder with files that Ferry did not put there") == true, "\(job)")
            #expect(engine.activator.liveBuildID(workload: "theirs") == live, "what is live was left as it was")
            #expect(try String(contentsOf: dir.appendingPathComponent("index.html"), encoding: .utf8) == "mine")
        }
    }

    @Test func aPublishDirOutsideTheAllowedFoldersIsRefusedAtApply() async throws {
        try await TestFerry.run { client, _, temp in
            let repo = try GitRepo(in: temp)
            let response = try await client.send(
                .post, "/api/apply", Self.workload("nowhere", repo: repo, dir: "/etc/ferry-site"), contentType: "application/yaml")
            #expect(response.status == .badRequest)
            let body = String(buffer: response.body)
            #expect(body.contains("publish.0.dir") && body.contains("volumes.allow"), "\(body)")
        }
    }
}

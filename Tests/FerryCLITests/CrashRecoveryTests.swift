import FerryCore
import FerryEngine
import FerryTestSupport
import Foundation
import Testing

/// A server killed with SIGKILL in the middle of a deploy loses nothing that was live.
@Suite(.serialized) struct CrashRecoveryTests {
    @Test func killedMidDeployKeepsTheOldSiteAndReRunsTheJob() throws {
        let temp = try TempDir()
        let repo = try GitRepo(in: temp.url)
        var files: [String: String] = [:]
        for i in 0..<3000 { files["public/pages/\(i / 100)/page-\(i).html"] = "<p>page \(i) of version one</p>\n" + String(repeating: "x", count: 2000) }
        files["public/index.html"] = "version one"
        try repo.commit(files)

        let data = temp.url.appendingPathComponent("data")
        let ferry = try FerryProcess(dataDirectory: data)
        try ferry.start()
        let file = temp.url.appendingPathComponent("site.yaml")
        try Data("name: big\nsource: { kind: static-site, config: { repo: \"\(repo.url)\", folder: public } }\n".utf8).write(to: file)
        #expect(try ferry.cli("apply", "-f", file.path).status == 0)
        #expect(try ferry.cli("run", "big", "deploy", "--wait").status == 0)
        let paths = FerryPaths(root: data)
        let v1Build = try #require(BuildActivator(paths: paths).liveBuildID(workload: "big"))

        for key in files.keys { files[key] = files[key]!.replacingOccurrences(of: "version one", with: "version two") }
        try repo.commit(files)
        let queued = try ferry.cli("run", "big", "deploy")
        let jobID = try #require(queued.stdout.split(separator: "/").last?.split(separator: " ").first.map(String.init))
        let log = paths.log(jobID)
        while !FileManager.default.fileExists(atPath: log.path) { usleep(2000) }
        ferry.kill()

        // What was live is still live, and verifies, byte for byte.
        #expect(BuildActivator(paths: paths).liveBuildID(workload: "big") == v1Build)
        let objects = ObjectStore(root: paths.objects)
        #expect(ManifestVerifier.problem(in: paths.current("big"), objects: objects, depth: .full) == nil)
        let index = try #require(try ManifestBuilder.read(from: paths.current("big")).files.first { $0.path == "index.html" })
        #expect(try String(contentsOfFile: objects.path(index.sha256), encoding: .utf8) == "version one")

        let restarted = try FerryProcess(dataDirectory: data)
        try restarted.start()
        defer { restarted.stop() }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let jobs = try decoder.decode([Job].self, from: Data(try restarted.cli("get", "jobs", "-o", "json").stdout.utf8))
        let interrupted = try #require(jobs.first { $0.id == jobID })
        #expect(interrupted.state == .failed)
        #expect(interrupted.message == "interrupted")
        let rerun = try #require(jobs.first { $0.attempt == 2 && $0.action == "deploy" })
        let followed = try restarted.cli("logs", rerun.id, "-f")
        #expect(followed.status == 0, "\(followed.stdout) \(followed.stderr)")
        #expect(try fetch("\(restarted.server)/sites/big/") == "version two")
        let events = try restarted.cli("get", "events")
        #expect(events.stdout.contains("recovery"))
        // The half-written build was removed at start-up: every build left is complete and verifies.
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: paths.builds("big").path)
        for build in leftovers {
            #expect(ManifestVerifier.problem(in: paths.build("big", build), objects: objects, depth: .full) == nil, "\(build) is incomplete")
        }
    }
}

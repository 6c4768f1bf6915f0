import FerryCore
import FerryEngine
import FerryServer
import FerryTestSupport
import Foundation
import Testing

/// A tmpfs of a given size, mounted for one test.
fileprivate enum Tmpfs {
    static let canMount: Bool = {
        guard let probe = try? TempDir() else { return false }
        defer { unmount(probe.url) }
        return (try? mount(at: probe.url, megabytes: 1)) != nil
    }()

    static func mount(at directory: URL, megabytes: Int) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try Shell.run(["mount", "-t", "tmpfs", "-o", "size=\(megabytes)m", "tmpfs", directory.path])
    }

    static func unmount(_ directory: URL) { _ = try? Shell.run(["umount", directory.path]) }
}

/// A job that fills the disk while it runs fails naming the device and about how much it
/// needs, and changes nothing live: the previous build is served, the store still answers, and
/// the job's half-made build is gone. The data dir is a real tmpfs of a few megabytes, so the
/// full disk is the kernel's, not a stand-in.
@Suite(.offPool, .enabled(if: Tmpfs.canMount, "mounting a tmpfs needs CAP_SYS_ADMIN")) struct DiskFullTests {
    @Test func aDeployThatFillsTheDiskFailsNamingTheDeviceAndLeavesTheLiveBuild() async throws {
        let shared = try TempDir()
        let data = shared.url.appendingPathComponent("data")
        try Tmpfs.mount(at: data, megabytes: 12)
        defer { Tmpfs.unmount(data) }
        let repo = try GitRepo(in: shared.url)
        try repo.commit(["public/index.html": "small"])
        let configure: (inout ServerConfiguration) -> Void = {
            $0.dataDirectory = data
            $0.gitFileRoots = [shared.url.path]
            $0.disk = DiskThreshold(minFreePercent: 1, minFreeBytes: 0)
        }
        try await TestFerry.run(configure: configure) { client, engine, _ in
            try await client.apply(siteWorkload("full", repo: repo))
            let first = try await client.run("full")
            #expect(first["state"] == .string("succeeded"), "\(first)")
            let live = first["buildID"]!.plainText

            // 16 MiB of random bytes, which git cannot compress: more than the disk has free.
            try Shell.run(["sh", "-c", "head -c 16777216 /dev/urandom > public/big.bin"], in: repo.directory)
            try repo.commit([:], message: "a file larger than the disk")
            let job = try await client.run("full")
            let log = (try? await client.log(job["id"]!.plainText)) ?? ""
            #expect(job["state"] == .string("failed"), "\(job)\n\(log)")
            let message = job["message"]?.stringValue ?? ""
            #expect(message.hasPrefix("no space left on tmpfs at \(data.path) (needs ~"), "\(message)")
            #expect(message.contains("MB); free space and run it again"), "\(message)")

            #expect(engine.activator.liveBuildID(workload: "full") == live)
            #expect(try await client.page("/sites/full/").1 == "small")
            #expect(try await client.json("/api/workloads/full")["status"]?["liveBuildID"] == .string(live))
            let builds = try FileManager.default.contentsOfDirectory(atPath: engine.paths.builds("full").path)
            #expect(builds == [live], "the failed job's build folder is removed: \(builds)")
        }
    }
}

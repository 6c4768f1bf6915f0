import FerryCore
import FerryEngine
import FerryServer
import FerryTestSupport
import Foundation
import PluginTestKit
import Testing

/// Disk health: free space of the data directory and absolute volumes in `/api/health`,
/// `/metrics` and on the dashboard; jobs that write do not start on a full disk.
@Suite(.offPool) struct DiskHealthTests {
    @Test func freeSpaceIsReportedAndAJobOnAFullDiskIsRefusedWithTheNumbers() async throws {
        let shared = try TempDir()
        let repo = try GitRepo(in: shared.url)
        try repo.commit(["public/index.html": "first"])
        let volume = shared.url.appendingPathComponent("storage").path
        let workload = siteWorkload("roomy", repo: repo) + "\nvolumes: [ { name: cache, scope: absolute, path: \(volume) } ]"
        let data = shared.url.appendingPathComponent("data")
        let place: @Sendable (inout ServerConfiguration) -> Void = { config in
            config.dataDirectory = data
            config.gitFileRoots = [shared.url.standardizedFileURL.path]
            config.allowedVolumeRoots = [shared.url.path]
        }

        try await TestFerry.run(configure: place) { client, _, _ in
            try await client.apply(workload)
            #expect(try await client.run("roomy")["state"] == .string("succeeded"))
            let health = try await client.json("/api/health")
            let disks = health["disks"]?.arrayValue ?? []
            #expect(disks.map { $0["role"]?.stringValue } == ["data", "volume cache of roomy"], "\(disks)")
            #expect(disks.allSatisfy { $0["low"] == .bool(false) && ($0["freeBytes"]?.numberValue ?? 0) > 0 && ($0["totalBytes"]?.numberValue ?? 0) > 0 })
            let metrics = String(buffer: try await client.get("/metrics").body)
            #expect(metrics.contains("ferry_disk_free_bytes{path=\"\(data.path)\",role=\"data\"}") || metrics.contains("ferry_disk_free_bytes{role=\"data\",path=\"\(data.path)\"}"), "\(metrics)")
            #expect(!(try await client.page("/").1.contains("id=\"disk-low\"")))
        }

        // The same data directory with a threshold no disk meets: the deploy does not start.
        try await TestFerry.run(configure: { config in
            place(&config)
            config.disk = DiskThreshold(minFreePercent: 100, minFreeBytes: Int.max / 4)
        }) { client, _, _ in
            try repo.commit(["public/index.html": "second"])
            let job = try await client.run("roomy")
            #expect(job["state"] == .string("failed"))
            let message = job["message"]?.stringValue ?? ""
            #expect(message.contains("not started: the data directory \(data.path) has ") && message.contains(" free of "), "\(message)")
            #expect(message.contains("disk.minFreeBytes"), "\(message)")
            #expect(try await client.page("/sites/roomy/").1 == "first", "what is live stays live")
            let health = try await client.json("/api/health")
            #expect(health["disks"]?.arrayValue?.allSatisfy { $0["low"] == .bool(true) } == true)
            #expect(String(buffer: try await client.get("/metrics").body).contains("ferry_disk_low{"))
            #expect(try await client.page("/").1.contains("id=\"disk-low\""))
        }
    }

    @Test func theThresholdIsTheSmallerOfTheShareAndTheBytes() {
        let threshold = DiskThreshold()
        #expect(threshold.required(total: 10 << 30) == Int(Double(10 << 30) * 0.05), "a 10 GiB disk needs 512 MiB")
        #expect(threshold.required(total: 10 << 40) == 1 << 30, "a 10 TiB disk needs 1 GiB, not 512 GiB")
        #expect(threshold.isLow(free: 100 << 20, total: 10 << 30))
        #expect(!threshold.isLow(free: 600 << 20, total: 10 << 30))
    }
}

import FerryCore
import FerryTestSupport
import Foundation
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `ferry backup` beside a running server and `ferry restore` into a new data directory.
@Suite(.serialized) struct BackupRestoreTests {
    @Test func aBackupTakenDuringAWebhookBurstRestoresEveryAcceptedEventAndTheLiveBuild() throws {
        let temp = try TempDir()
        let repo = try GitRepo(in: temp.url)
        let commit = try repo.commit(["public/index.html": "kept"])
        let data = temp.url.appendingPathComponent("data")
        let ferry = try FerryProcess(dataDirectory: data)
        try ferry.start()
        defer { ferry.stop() }
        let file = temp.url.appendingPathComponent("site.yaml")
        try Data("""
            name: saved
            source: { kind: static-site, config: { repo: "\(repo.url)", folder: public } }
            triggers: [ { kind: git-push, action: deploy, config: { insecure: true, branches: [main] } } ]
            """.utf8).write(to: file)
        #expect(try ferry.cli("apply", "-f", file.path).status == 0)
        #expect(try ferry.cli("run", "saved", "deploy", "--wait").status == 0)
        let bindings = try JSONDecoder().decode(JSONValue.self, from: Data(try ferry.cli("get", "bindings", "-o", "json").stdout.utf8))
        let binding = try #require(bindings.arrayValue?.first?["id"]?.stringValue)
        let live = try JSONDecoder().decode(JSONValue.self, from: Data(try ferry.cli("describe", "workload", "saved", "-o", "json").stdout.utf8))
        let liveBuild = try #require(live[path: "status.liveBuildID"].stringValue)

        let burst = Burst(url: URL(string: "\(ferry.server)/hooks/\(binding)")!, body: try Self.push(commit: commit))
        burst.start()
        defer { burst.stop() }
        while burst.accepted.count < 20 { Thread.sleep(forTimeInterval: 0.05) }
        let acceptedBefore = Set(burst.accepted)
        let archive = temp.url.appendingPathComponent("ferry.backup.tar")
        let backup = try FerryProcess.run(["backup", "--data", data.path, "--to", archive.path, "--with-builds"])
        burst.stop()
        #expect(backup.status == 0, "\(backup.stderr)")
        #expect(backup.stdout.contains("the secret key is not in this file"), "\(backup.stdout)")
        #expect(burst.failures.isEmpty, "deliveries kept being answered during the backup: \(burst.failures.prefix(3))")
        #expect(!FileManager.default.fileExists(atPath: archive.path + ".partial"))
        ferry.stop()

        let refused = try FerryProcess.run(["restore", archive.path, "--data", data.path])
        #expect(refused.status != 0 && refused.stderr.contains("is not empty"), "\(refused.stderr)")
        let restoredDir = temp.url.appendingPathComponent("restored")
        let restore = try FerryProcess.run(["restore", archive.path, "--data", restoredDir.path])
        #expect(restore.status == 0, "\(restore.stderr)")
        #expect(!FileManager.default.fileExists(atPath: restoredDir.appendingPathComponent("secret.key").path), "the key stays out without --with-key")

        let restored = try FerryProcess(dataDirectory: restoredDir)
        try restored.start()
        defer { restored.stop() }
        let events = try JSONDecoder().decode(JSONValue.self, from: Data(try restored.cli("get", "events", "--limit", "1000", "-o", "json").stdout.utf8))
        let stored = Set(events.arrayValue?.compactMap { $0["deliveryID"]?.stringValue } ?? [])
        #expect(acceptedBefore.isSubset(of: stored), "missing after restore: \(acceptedBefore.subtracting(stored).sorted().prefix(5))")
        let described = try JSONDecoder().decode(JSONValue.self, from: Data(try restored.cli("describe", "workload", "saved", "-o", "json").stdout.utf8))
        let restoredLive = try #require(described[path: "status.liveBuildID"].stringValue)
        #expect(restoredLive.prefix(17) >= liveBuild.prefix(17), "the live build is the one before the burst or one the burst deployed (ids begin with their time)")
        #expect(FileManager.default.fileExists(atPath: restoredDir.appendingPathComponent("workloads/saved/builds/\(restoredLive)/manifest.json").path))
        let page = try String(contentsOf: URL(string: "\(restored.server)/sites/saved/")!, encoding: .utf8)
        #expect(page == "kept")

        let keyed = temp.url.appendingPathComponent("keyed.tar")
        let withKey = try FerryProcess.run(["backup", "--data", restoredDir.path, "--to", keyed.path, "--with-key"])
        #expect(withKey.status == 0 && withKey.stdout.contains("this file holds the secret key"), "\(withKey.stdout) \(withKey.stderr)")
        let listing = try FerryProcess.runTool("/usr/bin/env", ["tar", "-tf", keyed.path])
        #expect(listing.stdout.contains("secret.key") && listing.stdout.contains("ferry-backup.json"))
    }

    @Test func aBackupThatCannotBeWrittenLeavesNoFileAndARestoreChecksWhatItReads() throws {
        let temp = try TempDir()
        let ferry = try FerryProcess(dataDirectory: temp.url.appendingPathComponent("data"))
        try ferry.start()
        ferry.stop()
        let nowhere = try FerryProcess.run(["backup", "--data", temp.url.appendingPathComponent("data").path, "--to", "/dev/full/ferry.tar"])
        #expect(nowhere.status != 0 && nowhere.stderr == "error: cannot write the backup /dev/full/ferry.tar: Not a directory\n", "\(nowhere.stderr)")
        // tar failing half-way (here: its output cannot be created) leaves nothing under the final name.
        let target = temp.url.appendingPathComponent("blocked.tar")
        try FileManager.default.createDirectory(atPath: target.path + ".partial/inside", withIntermediateDirectories: true)
        let blocked = try FerryProcess.run(["backup", "--data", temp.url.appendingPathComponent("data").path, "--to", target.path])
        #expect(blocked.status != 0 && blocked.stderr.contains("writing \(target.path).partial failed"), "\(blocked.stderr)")
        #expect(!FileManager.default.fileExists(atPath: target.path))
        let missing = try FerryProcess.run(["backup", "--data", temp.url.appendingPathComponent("nothing").path, "--to", temp.url.appendingPathComponent("x.tar").path])
        #expect(missing.status != 0 && missing.stderr.contains("no database at"), "\(missing.stderr)")
        #expect(!FileManager.default.fileExists(atPath: temp.url.appendingPathComponent("x.tar").path))

        let notABackup = temp.url.appendingPathComponent("other.tar")
        try Data("hello".utf8).write(to: temp.url.appendingPathComponent("hello.txt"))
        _ = try FerryProcess.runTool("/usr/bin/env", ["tar", "-cf", notABackup.path, "-C", temp.url.path, "hello.txt"])
        let refused = try FerryProcess.run(["restore", notABackup.path, "--data", temp.url.appendingPathComponent("fresh").path])
        #expect(refused.status != 0 && refused.stderr.contains("is not a Ferry backup"), "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: temp.url.appendingPathComponent("fresh").path), "nothing half-restored")
    }

    /// GitHub's push fixture (beside the server tests) pointed at `commit`.
    static func push(commit: String) throws -> Data {
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("FerryServerTests/Fixtures/github-push.json")
        guard case .object(var body) = try JSONDecoder().decode(JSONValue.self, from: Data(contentsOf: fixture)) else {
            throw CLIError("github-push.json is not an object")
        }
        body["ref"] = .string("refs/heads/main")
        body["after"] = .string(commit)
        body["forced"] = .bool(true)
        return Data(JSONValue.object(body).canonicalData())
    }
}

/// Webhook deliveries one after another from a thread of its own until stopped, each with a
/// new delivery id; remembers which were answered 2xx.
final class Burst: @unchecked Sendable {
    let url: URL
    let body: Data
    private let lock = NSLock()
    private var _accepted: [String] = []
    private var _failures: [String] = []
    private var running = true
    private let done = DispatchSemaphore(value: 0)

    init(url: URL, body: Data) {
        self.url = url
        self.body = body
    }

    var accepted: [String] { lock.withLock { _accepted } }
    var failures: [String] { lock.withLock { _failures } }

    func start() {
        Thread.detachNewThread { [self] in
            var n = 0
            while lock.withLock({ running }) {
                n += 1
                let id = "burst-\(n)"
                var request = URLRequest(url: url)
                request.httpMethod = "POST"
                request.httpBody = body
                request.setValue("application/json", forHTTPHeaderField: "Content-Type")
                request.setValue("push", forHTTPHeaderField: "X-GitHub-Event")
                request.setValue(id, forHTTPHeaderField: "X-GitHub-Delivery")
                let answered = DispatchSemaphore(value: 0)
                nonisolated(unsafe) var status = 0
                URLSession.shared.dataTask(with: request) { _, response, _ in
                    status = (response as? HTTPURLResponse)?.statusCode ?? 0
                    answered.signal()
                }.resume()
                answered.wait()
                lock.withLock {
                    if (200..<300).contains(status) { _accepted.append(id) } else if running { _failures.append("\(id): \(status)") }
                }
            }
            done.signal()
        }
    }

    func stop() {
        let wasRunning = lock.withLock { () -> Bool in
            defer { running = false }
            return running
        }
        if wasRunning { done.wait() }
    }
}

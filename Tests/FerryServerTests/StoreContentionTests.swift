import FerryCore
import FerryEngine
import FerryServer
import FerryStore
import FerryTestSupport
import Foundation
import HTTPTypes
import PluginTestKit
import Testing

/// Another writer holding the SQLite file (a backup tool, a long transaction) must not stall the
/// server: webhook deliveries wait for the write lock off Swift's concurrency pool (group commit
/// on its own queue), as do the job runner and the other services (`BlockingExecutor`), so every
/// other request keeps being served, and the deliveries are accepted once the lock is free,
/// those that waited together in one transaction.
@Suite(.offPool) struct StoreContentionTests {
    /// A second process holding `BEGIN IMMEDIATE` on the store until its stdin is closed (the
    /// test closes it once it has seen the answers it wanted while locked), or for `seconds` at
    /// most, so a test that fails midway does not leave it behind.
    final class WriteLockHolder: Sendable {
        let process = Process()
        private let input = Pipe()
        private let output = Pipe()

        init(database: URL, seconds: Double = 120) throws {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3", "-c", """
                import select, sqlite3, sys
                db = sqlite3.connect(sys.argv[1], isolation_level=None)
                db.execute("BEGIN IMMEDIATE")
                print("locked", flush=True)
                select.select([sys.stdin], [], [], float(sys.argv[2]))
                db.execute("COMMIT")
                """, database.path, String(seconds)]
            process.standardInput = input
            process.standardOutput = output
            try process.run()
            let line = output.fileHandleForReading.availableData
            guard String(decoding: line, as: UTF8.self).hasPrefix("locked") else { throw FerryError(.internal, "the lock holder did not start") }
        }

        func release() {
            try? input.fileHandleForWriting.close()
            process.waitUntilExit()
        }
    }

    /// One request on a connection of its own, read on a thread of its own; the status line.
    static func post(_ path: String, headers: HTTPFields, body: String, port: Int) async throws -> String {
        var head = "POST \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: \(body.utf8.count)\r\n"
        for field in headers { head += "\(field.name.rawName): \(field.value)\r\n" }
        let request = head + "\r\n" + body
        let answer = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<String, any Error>) in
            Thread {
                continuation.resume(with: Result {
                    let connection = try RawHTTP(port: port)
                    try connection.write(request)
                    return try connection.readResponse()
                })
            }.start()
        }
        return answer.components(separatedBy: "\r\n").first ?? answer
    }

    // The suite runs off the concurrency pool (`.offPool`): other suites may keep both pool
    // threads busy for seconds, and the requests made under the lock should not wait for them.
    @Test func requestsAreServedAndWebhooksAcceptedWhileAnotherWriterHoldsTheStore() async throws {
        try await TestFerry.run { client, engine, temp in
            let repo = try GitRepo(in: temp)
            let commit = try repo.commit(["public/index.html": "hello"])
            try await client.apply(siteWorkload("site", repo: repo))
            let secret = try await client.gitPushBinding("busy", targets: [("site", .object([:]))])
            let body = try Webhook.githubPush(branch: "main", commit: commit)
            let before = try engine.database.events(kind: "git-push", limit: 1000).count

            // The committer waits for the lock longer than the holder could hold it, so however
            // slow the machine, the deliveries wait for the release instead of timing out.
            engine.dispatcher.committer.lockWait = 180
            let holder = try WriteLockHolder(database: temp.appendingPathComponent("data/ferry.sqlite"))
            // More deliveries than the pool has threads: had each waited for the lock on a pool
            // thread, nothing else could run until SQLite's busy timeout failed them all.
            let count = 2 * ProcessInfo.processInfo.activeProcessorCount + 4
            // Each on its own connection (the testing client answers its requests in order).
            let port = try #require(client.raw.port)
            let deliveries = Task {
                try await withThrowingTaskGroup(of: String.self) { group in
                    for i in 0..<count {
                        let headers = Webhook.headers(event: "push", delivery: "locked-\(i)", body: body, secret: secret)
                        group.addTask { try await Self.post("/hooks/busy", headers: headers, body: body, port: port) }
                    }
                    return try await group.reduce(into: [String]()) { $0.append($1) }
                }
            }
            try await Task.sleep(for: .milliseconds(500))
            let stillLocked = holder.process.isRunning
            let health = try await client.get("/api/health")
            let workloads = try await client.json("/api/workloads")
            let page = try await client.page("/")
            let answeredWhileLocked = holder.process.isRunning
            holder.release()

            #expect(stillLocked && answeredWhileLocked, "the lock was held throughout")
            #expect(health.status == .ok)
            #expect(workloads.arrayValue?.map { $0["name"] } == [.string("site")])
            #expect(page.0 == .ok)
            let statuses = try await deliveries.value
            #expect(statuses == Array(repeating: "HTTP/1.1 202 Accepted", count: count), "every delivery accepted once the lock was free: \(statuses)")
            #expect(try engine.database.events(kind: "git-push", limit: 1000).count == before + count)
            let stats = engine.dispatcher.committer.statistics
            #expect(stats.largest > 1, "deliveries that waited together committed together: \(stats)")
            #expect(try await HookLimitsTests.metric("ferry_hook_commit_batch_largest", client) == Double(stats.largest))
        }
    }
}

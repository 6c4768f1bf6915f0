import FerryCore
import FerryTestSupport
import Foundation
import PluginTestKit
import Testing
@testable import LogScanTrigger

/// The watcher on a Verdaccio-style log file and on job logs, against a virtual clock.
@Suite struct LogScanWatchTests {
    static let now = Date(timeIntervalSince1970: 1_790_000_000)
    static let rule: JSONValue = .object([
        "name": .string("bad-tarball"), "regex": .string("EINTEGRITY.* package (?<package>@?[a-z0-9._/-]+)"),
        "maxRetry": .number(2), "findTime": .string("10m"), "params": .object(["package": .string("$package")]),
    ])

    static func stamp(_ date: Date) -> String { ISO8601DateFormatter().string(from: date) }

    func append(_ text: String, to url: URL) throws {
        if !FileManager.default.fileExists(atPath: url.path) { _ = FileManager.default.createFile(atPath: url.path, contents: nil) }
        let h = try FileHandle(forWritingTo: url)
        try h.seekToEnd()
        try h.write(contentsOf: Data(text.utf8))
        try h.close()
    }

    @Test func firesWithCapturesAsParamsOnceTheThresholdIsReached() async throws {
        let dir = try TempDir()
        let log = dir.url.appendingPathComponent("verdaccio.log")
        // Already in the file at start-up: one old stamped line, one unstamped; neither counts.
        try append("\(Self.stamp(Self.now - 3600)) warn EINTEGRITY sha512 mismatch package lodash\n", to: log)
        try append("warn EINTEGRITY sha512 mismatch package lodash\n", to: log)
        let ctx = TestWatchContext(
            kind: "log-scan", config: .object(["file": .string(log.path), "rules": .array([Self.rule])]),
            targets: [.init(name: "npm", action: "broken-scan")], clock: VirtualClock(Self.now))
        let task = Task { try await LogScanTrigger().watch(ctx) }
        defer { task.cancel() }
        try await ctx.clock.waitForSleepers()
        #expect(ctx.fired.isEmpty)

        try append("\(Self.stamp(Self.now)) warn EINTEGRITY sha512 mismatch package lodash\n", to: log)
        try append("\(Self.stamp(Self.now)) warn EINTEGRITY sha512 mismatch package left-pad\n", to: log)
        try await ctx.clock.step()
        #expect(ctx.fired.isEmpty, "one match each: below maxRetry 2")

        try append("warn EINTEGRITY sha512 mismatch package lodash\n", to: log)
        try await ctx.clock.step()
        #expect(ctx.fired.count == 1)
        #expect(ctx.fired.first?.params == .object(["package": .string("lodash")]))
        #expect(ctx.fired.first?.payload["rule"] == .string("bad-tarball"))

        // Rotation: the rest of the old file and the new file are both read.
        try append("warn EINTEGRITY sha512 mismatch package left-pad\n", to: log)
        try FileManager.default.moveItem(at: log, to: dir.url.appendingPathComponent("verdaccio.log.1"))
        try append("info something else\n", to: log)
        try await ctx.clock.step()
        #expect(ctx.fired.map(\.params) == [.object(["package": .string("lodash")]), .object(["package": .string("left-pad")])])
    }

    @Test func neverReadsLogsOfJobsItStarted() async throws {
        let dir = try TempDir()
        func job(_ id: String, bindings: [String], causes: [String]) throws -> WatchedJob {
            let file = dir.url.appendingPathComponent("\(id).log")
            try append("04:00:00.000 EINTEGRITY package lodash\n04:00:00.001 EINTEGRITY package lodash\n", to: file)
            return WatchedJob(
                id: id, workload: "npm", action: "refresh-delta", finished: true, createdAt: Self.now, bindingID: bindings.last,
                causeBindings: bindings, causes: causes, logFile: file)
        }
        let own = try job("j-own", bindings: ["b1", "npm.0"], causes: ["e1", "e2"])
        let other = try job("j-other", bindings: ["npm.0"], causes: ["e7"])
        let ctx = TestWatchContext(
            kind: "log-scan", config: .object(["workloads": .array([.string("npm")]), "rules": .array([Self.rule])]),
            targets: [.init(name: "npm", action: "broken-scan")], clock: VirtualClock(Self.now),
            jobs: { _, _ in [own, other] })
        let task = Task { try await LogScanTrigger().watch(ctx) }
        defer { task.cancel() }
        try await ctx.clock.waitForSleepers()
        #expect(ctx.fired.count == 1, "only the job another binding started is read")
        #expect(ctx.fired.first?.causes == ["e7"], "the firing carries the job's cause chain")
    }

    @Test func configNeedsOneSourceAndRules() {
        #expect(throws: FerryError.self) { try LogScanConfig(.object(["rules": .array([Self.rule])])) }
        #expect(throws: FerryError.self) { try LogScanConfig(.object(["file": .string("relative.log"), "rules": .array([Self.rule])])) }
        #expect(throws: FerryError.self) { try LogScanConfig(.object(["file": .string("/x.log"), "rules": .array([])])) }
    }

    @Test func theDesignExampleValidates() throws {
        let example: JSONValue = .object([
            "file": .string("/var/log/verdaccio/verdaccio.log"),
            "rules": .array([.object([
                "regex": .string("EINTEGRITY .*(?<package>@?[a-z0-9._/-]+)"), "maxRetry": .number(1), "findTime": .string("10m"),
                "params": .object(["package": .string("$package")]),
            ])]),
        ])
        let validated = try SchemaValidator().validated(example, against: LogScanTrigger().schema, at: "config")
        #expect(try LogScanConfig(validated).rules.first?.maxRetry == 1)
    }

    @Test(arguments: [
        ("2026-11-23T04:00:00Z something", 1_795_406_400.0),
        ("2026-11-23 05:00:00.123+01:00 x", 1_795_406_400.0),
        ("{\"level\":40,\"time\":1795406400000,\"msg\":\"EINTEGRITY\"}", 1_795_406_400.0),
    ])
    func timestamps(_ line: String, _ epoch: Double) {
        #expect(LineTimestamp.find(in: line)?.timeIntervalSince1970 == epoch)
    }

    @Test func linesWithoutATimestampHaveNone() {
        #expect(LineTimestamp.find(in: "04:00:00.000 job log line") == nil)
    }
}

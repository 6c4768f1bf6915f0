import Foundation
import Testing
@testable import FerryEngine

/// A SIGKILLed server leaves its jobs' children running (reparented, still writing into the
/// scratch folder); recovery stops them through the ledger the job kept.
@Suite struct ChildLedgerTests {
    @Test func aRecordedGroupWhoseLeaderIsGoneIsKilledWithEveryMember() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ferry-ledger-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let ledger = ChildLedger(file: dir.appendingPathComponent(ChildLedger.fileName))
        var runner = CommandRunner(onLine: { _ in })
        runner.onStart = { ledger.record($0) }
        // The leader exits at once; its background child stays in the group and holds the output
        // pipe, as git's helpers do, so the command only returns once that child is gone.
        let command = Task { try? await runner.run(["sh", "-c", "sleep 300 & exit 0"], in: nil, environment: [:]) }
        var leader: pid_t?
        while leader == nil {
            leader = (try? String(contentsOf: ledger.file, encoding: .utf8))?.split(separator: " ").first.flatMap { pid_t($0) }
            if leader == nil { try await Task.sleep(for: .milliseconds(10)) }
        }
        let group = try #require(leader)
        while ChildLedger.members(ofGroup: group).count != 1 { try await Task.sleep(for: .milliseconds(10)) }
        #expect(ledger.killSurvivors() == 1, "the orphaned sleep")
        _ = await command.value
        #expect(ChildLedger.members(ofGroup: group).isEmpty)
    }

    @Test func aPidNowUsedByAnotherProcessIsLeftAlone() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ferry-ledger-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent(ChildLedger.fileName)
        // Our own pid with a start time that is not ours: a reused pid, not the recorded child.
        let start = try #require(ChildLedger.startTime(of: getpid()))
        try Data("\(getpid()) \(start + 1)\n".utf8).write(to: file)
        #expect(ChildLedger(file: file).killSurvivors() == 0)
    }
}

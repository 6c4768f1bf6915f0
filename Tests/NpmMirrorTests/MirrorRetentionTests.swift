import FerryCore
import Foundation
import PluginTestKit
import Testing
@testable import NpmMirrorSource

/// What the npm mirror keeps for itself is pruned by the retention policy, never the baseline.
@Suite(.offPool) struct MirrorRetentionTests {
    struct Context: RetentionContext {
        var workload = WorkloadSpec(name: "mirror", source: SourceRef(kind: "npm-mirror"))
        var records: any RecordStore
        var stateDirectory: URL
        var policy: RetentionPolicy
        var now: Date
    }

    let now = Date(timeIntervalSince1970: 1_750_000_000)

    @Test func oldSnapshotsGoButTheNewestStaysEvenWhenTooOld() throws {
        let records = MemoryRecords()
        for day in 0..<5 {
            let at = now.addingTimeInterval(Double(day - 10) * 86_400)
            try records.put(DiffBuilder.snapshots, RecordWrite(key: "s-\(day)", value: ["id": "s-\(day)"], stamp: Int64(at.timeIntervalSince1970 * 1000)))
        }
        var policy = RetentionPolicy()
        policy.snapshots = RetentionRule(keep: 2)
        let temp = FileManager.default.temporaryDirectory.appendingPathComponent("ferry-mr-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: temp) }
        #expect(try NpmMirrorSource().prune(context: Context(records: records, stateDirectory: temp, policy: policy, now: now)) == ["snapshots": 3])
        #expect(try records.all(DiffBuilder.snapshots).map(\.key) == ["s-3", "s-4"])

        policy.snapshots = RetentionRule(maxAge: .seconds(86_400))
        _ = try NpmMirrorSource().prune(context: Context(records: records, stateDirectory: temp, policy: policy, now: now))
        #expect(try records.all(DiffBuilder.snapshots).map(\.key) == ["s-4"], "the baseline of the next diff is never removed")
    }

    @Test func quarantinedTarballsOlderThanTheirAgeAreRemoved() throws {
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("ferry-mr-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: state) }
        let folder = state.appendingPathComponent("quarantine/@scope/pkg")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let old = folder.appendingPathComponent("pkg-1.0.0.tgz.202501010000"), fresh = folder.appendingPathComponent("pkg-1.0.1.tgz.202506150000")
        for file in [old, fresh] { try Data("x".utf8).write(to: file) }
        try FileManager.default.setAttributes([.modificationDate: now.addingTimeInterval(-40 * 86_400)], ofItemAtPath: old.path)
        try FileManager.default.setAttributes([.modificationDate: now.addingTimeInterval(-1 * 86_400)], ofItemAtPath: fresh.path)
        let counts = try NpmMirrorSource().prune(context: Context(records: MemoryRecords(), stateDirectory: state, policy: RetentionPolicy(), now: now))
        #expect(counts == ["quarantine": 1])
        #expect(!FileManager.default.fileExists(atPath: old.path))
        #expect(FileManager.default.fileExists(atPath: fresh.path))
    }
}

import FerryCore
import FerryTestSupport
import Foundation
import PluginTestKit
import Testing
@testable import NpmMirrorSource

/// broken-scan finds truncated, corrupt-gzip and wrong-content tarballs, records why, and
/// repairs them from the upstream registry.
@Suite(.offPool) struct BrokenScanTests {
    @Test func everyKindOfDamageIsFoundRecordedAndRepairedFromUpstream() async throws {
        let fixture = try await MirrorFixture.make()
        let damaged: [(Damage, String, String)] = [
            (.truncated, "tar", "6.2.1"), (.corruptGzip, "@npmcli/fs", "3.1.1"), (.wrongContent, "minipass", "5.0.0"),
        ]
        let original = try damaged.map { try Data(contentsOf: fixture.tarball($0.1, $0.2)) }
        for (damage, name, version) in damaged {
            try damage.apply(to: fixture.tarball(name, version), other: fixture.tarball("yallist", "4.0.0"))
        }
        let records = MemoryRecords()
        try await fixture.upstream.run { base in
            let context = try fixture.context(upstream: base, records: records)
            let outcome = try await NpmMirrorSource().run(action: "broken-scan", revision: nil, params: .object([:]), context: context)
            #expect(outcome.details["checked"] == .number(Double(fixture.packed.count)))
            #expect(outcome.details["broken"] == .number(3) && outcome.details["repaired"] == .number(3), "\(outcome.summary)")
            let stored = try records.all(BrokenScanner.collection).map { try $0.decode(BrokenScanner.Broken.self) }
            #expect(Set(stored.map(\.package)) == ["tar", "@npmcli/fs", "minipass"])
            #expect(stored.allSatisfy { $0.status == "repaired" })
            let reasons = Dictionary(uniqueKeysWithValues: stored.map { ($0.package, $0.reason) })
            #expect(reasons["minipass"]?.hasPrefix("wrong content") == true, "\(reasons)")
            #expect(reasons["tar"]?.contains("gzip") == true || reasons["tar"]?.contains("tar") == true, "\(reasons)")
            #expect(reasons["@npmcli/fs"]?.contains("gzip") == true, "\(reasons)")
            #expect(stored.allSatisfy { $0.quarantined.map { FileManager.default.fileExists(atPath: $0) } == true }, "broken files are kept aside")
        }
        for ((_, name, version), bytes) in zip(damaged, original) {
            #expect(try Data(contentsOf: fixture.tarball(name, version)) == bytes, "\(name)@\(version) is whole again")
        }
    }

    @Test func withoutRepairTheBrokenAreOnlyRecorded() async throws {
        let fixture = try await MirrorFixture.make(mirrored: ["tar", "yallist"])
        try Damage.truncated.apply(to: fixture.tarball("tar", "6.2.1"), other: fixture.tarball("yallist", "4.0.0"))
        let records = MemoryRecords()
        let context = try fixture.context(upstream: "http://127.0.0.1:9", records: records)
        let outcome = try await NpmMirrorSource().run(action: "broken-scan", revision: nil, params: .object(["repair": .bool(false)]), context: context)
        #expect(outcome.details["broken"] == .number(1) && outcome.details["repaired"] == .number(0))
        #expect(try records.all(BrokenScanner.collection).map(\.label) == ["broken"])
        #expect(try Data(contentsOf: fixture.tarball("tar", "6.2.1")).count < 1000 * 1000, "the file stays where it was")
    }

    /// What a log-scan rule runs for the package a log line named: only that package is checked,
    /// and what earlier scans found elsewhere stays on record.
    @Test func aScanOfOnePackageChecksOnlyItAndKeepsOtherFindings() async throws {
        let fixture = try await MirrorFixture.make(mirrored: ["tar", "yallist"])
        try Damage.truncated.apply(to: fixture.tarball("tar", "6.2.1"), other: fixture.tarball("yallist", "4.0.0"))
        let records = MemoryRecords()
        let context = try fixture.context(upstream: "http://127.0.0.1:9", records: records)
        let source = NpmMirrorSource()
        _ = try await source.run(action: "broken-scan", revision: nil, params: .object(["repair": .bool(false)]), context: context)
        #expect(try records.all(BrokenScanner.collection).map(\.key) == ["tar/tar-6.2.1.tgz"])

        let one = try await source.run(
            action: "broken-scan", revision: nil, params: .object(["repair": .bool(false), "package": .string("yallist")]), context: context)
        #expect(one.details["checked"] == .number(1), "\(one.summary)")
        #expect(one.details["broken"] == .number(0))
        #expect(try records.all(BrokenScanner.collection).map(\.key) == ["tar/tar-6.2.1.tgz"], "tar's finding survives a scan of yallist")

        await #expect(throws: FerryError.self) {
            _ = try await source.run(action: "broken-scan", revision: nil, params: .object(["package": .string("left-pad")]), context: context)
        }
    }

    @Test func aRepairUpstreamCannotServeIsMarkedFailed() async throws {
        let fixture = try await MirrorFixture.make(mirrored: ["tar", "yallist"])
        try Damage.corruptGzip.apply(to: fixture.tarball("yallist", "4.0.0"), other: fixture.tarball("tar", "6.2.1"))
        let records = MemoryRecords()
        let empty = UpstreamRegistry(root: fixture.temp.url.appendingPathComponent("empty"))
        try await empty.run { base in
            let context = try fixture.context(upstream: base, records: records, config: ["retries": .number(1)])
            let outcome = try await NpmMirrorSource().run(action: "broken-scan", revision: nil, params: .object([:]), context: context)
            #expect(outcome.details["failed"] == .number(1))
        }
        let record = try #require(try records.all(BrokenScanner.collection).first?.decode(BrokenScanner.Broken.self))
        #expect(record.status == "failed" && record.repairError?.contains("404") == true, "\(record)")
    }
}

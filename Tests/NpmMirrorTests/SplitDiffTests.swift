import FerryCore
import FerryTestSupport
import Foundation
import PluginTestKit
import Testing
@testable import NpmMirrorSource

/// A diff split for transfer media: parts of at most `part-size`, a signed index, each part
/// checkable alone, apply from a folder in any order, missing and foreign parts named, and an
/// interrupted apply resumed without redoing the parts it had checked.
@Suite(.offPool) struct SplitDiffTests {
    struct Split {
        var fixture: MirrorFixture
        var transfer: URL
        var index: DiffPartIndex
        var publicKey: String
    }

    private func split(partSize: String = "3KiB") async throws -> Split {
        let fixture = try await MirrorFixture.make(mirrored: ["yallist"])
        var packed: [PackedVersion] = []
        for name in ["alpha", "bravo", "charlie", "delta", "echo"] { packed.append(try await PackedPackages.made("split-\(name)", "1.0.0", in: fixture.temp.url)) }
        try StorageFolder.write(packed, to: fixture.storage, tarballBase: "https://registry.npmjs.org")
        let (privateKey, publicKey) = DiffSignature.keyPair()
        let context = try fixture.context(upstream: "http://127.0.0.1:9", config: ["signingKeyEnv": .string("KEY")], env: ["KEY": privateKey])
        let outcome = try await NpmMirrorSource().run(action: "diff-build", revision: nil, params: .object(["part-size": .string(partSize)]), context: context)
        let indexName = try #require(outcome.details["index"]?.stringValue, "\(outcome.summary)")
        let transfer = fixture.temp.url.appendingPathComponent("medium")
        try FileManager.default.createDirectory(at: transfer, withIntermediateDirectories: true)
        for artifact in context.artifacts {
            try FileManager.default.copyItem(at: context.artifactDirectory.appendingPathComponent(artifact.name), to: transfer.appendingPathComponent(artifact.name))
        }
        let index = try DiffPartIndex.decode(Data(contentsOf: transfer.appendingPathComponent(indexName)), file: indexName)
        return Split(fixture: fixture, transfer: transfer, index: index, publicKey: try DiffSignature.publicKey(publicKey, file: "k.pub"))
    }

    private func offline(_ split: Split) throws -> URL {
        let folder = split.fixture.temp.url.appendingPathComponent("offline-\(UUID().uuidString.prefix(6))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    @Test func partsApplyFromAFolderWithTheTrustedKeyAndEachVerifiesAlone() async throws {
        let split = try await split()
        #expect(split.index.parts.count >= 2, "\(split.index.parts.map(\.name))")
        #expect(split.index.parts.allSatisfy { $0.name.range(of: #"\.part-[0-9]{3}-of-[0-9]{3}\.tar\.zst$"#, options: .regularExpression) != nil })
        let applier = DiffApplier(storage: try offline(split), trust: .signature(publicKey: split.publicKey))
        for part in split.index.parts {
            #expect(try applier.verify(split.transfer.appendingPathComponent(part.name)).contains("verified"))
        }
        let report = try applier.apply(archive: split.transfer, dryRun: false)
        #expect(report.trust == "signature" && report.signer != nil)
        #expect(try StorageFolder.digests(applier.storage) == StorageFolder.digests(split.fixture.storage))
        #expect(try DiffImportHistory(storage: applier.storage).current()?.archive.hasSuffix(".index.json") == true)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: applier.storage.path).filter { $0.hasPrefix(DiffApplier.partsStagingPrefix) }
        #expect(leftovers.isEmpty, "the parts' staging folder is removed once applied")
    }

    @Test func missingTruncatedAndForeignPartsAreNamedAndChangeNothing() async throws {
        let split = try await split()
        let storage = try offline(split)
        let applier = DiffApplier(storage: storage, trust: .signature(publicKey: split.publicKey))
        let second = split.transfer.appendingPathComponent(split.index.parts[1].name)
        let kept = try Data(contentsOf: second)

        try FileManager.default.removeItem(at: second)
        #expect(throws: FerryError.self) { _ = try applier.apply(archive: split.transfer, dryRun: false) }
        do { _ = try applier.apply(archive: split.transfer, dryRun: false) } catch let error as FerryError {
            #expect(error.message.contains("parts are missing") && error.message.contains(split.index.parts[1].name), "\(error.message)")
        }
        try kept.prefix(kept.count / 2).write(to: second)
        do { _ = try applier.apply(archive: split.transfer, dryRun: false); Issue.record("a truncated part was applied") } catch let error as FerryError {
            #expect(error.message.contains("the index says"), "\(error.message)")
        }
        do { _ = try applier.verify(second); Issue.record("a truncated part verified") } catch let error as FerryError {
            #expect(error.message.contains("sha256"), "\(error.message)")
        }
        let other = try await self.split()
        try Data(contentsOf: other.transfer.appendingPathComponent(other.index.parts[1].name)).write(to: second)
        #expect(throws: FerryError.self) { _ = try applier.apply(archive: split.transfer, dryRun: false) }
        #expect(try StorageFolder.digests(storage).isEmpty, "nothing reached the storage")
    }

    @Test func anInterruptedApplyResumesWithoutRedoingCheckedParts() async throws {
        let split = try await split()
        let storage = try offline(split)
        let applier = DiffApplier(storage: storage, trust: .signature(publicKey: split.publicKey))
        let last = split.transfer.appendingPathComponent(split.index.parts.last!.name)
        let good = try Data(contentsOf: last)
        var damaged = good
        damaged[damaged.count / 2] ^= 0xff
        try damaged.write(to: last)
        #expect(throws: FerryError.self) { _ = try applier.apply(archive: split.transfer, dryRun: false) }
        #expect(try StorageFolder.digests(storage).isEmpty)

        try good.write(to: last)
        let report = try applier.apply(archive: split.transfer, dryRun: false)
        let resumed = report.notes.filter { $0.contains("checked before, not unpacked again") }
        #expect(resumed.count == split.index.parts.count - 1, "\(report.notes)")
        #expect(try StorageFolder.digests(storage) == StorageFolder.digests(split.fixture.storage))
    }

    @Test func partSizesAreCheckedAndASmallDiffStaysOneArchive() async throws {
        #expect(ByteCount.parse("4GiB") == 4 << 30 && ByteCount.parse("700 MiB") == 700 << 20 && ByteCount.parse("2k") == 2048)
        #expect(ByteCount.parse("lots") == nil && ByteCount.parse("-1G") == nil)
        let fixture = try await MirrorFixture.make(mirrored: ["yallist"])
        try StorageFolder.write([try await PackedPackages.made("tiny", "1.0.0", in: fixture.temp.url)], to: fixture.storage, tarballBase: "https://registry.npmjs.org")
        let context = try fixture.context(upstream: "http://127.0.0.1:9")
        await #expect(throws: FerryError.self) {
            _ = try await NpmMirrorSource().run(action: "diff-build", revision: nil, params: .object(["part-size": .string("12 bananas")]), context: context)
        }
        let whole = try await NpmMirrorSource().run(action: "diff-build", revision: nil, params: .object(["part-size": .string("4GiB")]), context: context)
        #expect(whole.details["index"] == nil && context.artifacts.count == 1 && context.artifacts[0].name.hasSuffix(".tar.zst"))
    }
}

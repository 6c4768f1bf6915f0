import FerryCore
import FerryTestSupport
import Foundation
import PluginTestKit
import Testing
@testable import NpmMirrorSource

/// diff-build on the online side, `DiffApplier` on the offline side: the offline storage ends
/// up byte-identical, and any archive that is not exactly what its manifest says is refused
/// before a single file changes.
@Suite(.offPool) struct DiffTests {
    /// Builds a baseline diff, copies the storage (the offline side), refreshes a new version in
    /// and builds the second diff. Returns the fixture, the offline copy and the second archive.
    private func twoSides() async throws -> (MirrorFixture, URL, URL, PluginTestContext) {
        let fixture = try await MirrorFixture.make(mirrored: RefreshTests.mirrored)
        let demo = try await PackedPackages.made("ferry-demo", "1.0.0", in: fixture.temp.url)
        try StorageFolder.write([demo], to: fixture.storage, tarballBase: "https://registry.npmjs.org")
        try fixture.publish([demo, try await PackedPackages.made("ferry-demo", "1.1.0", dependencies: ["npm-package-arg": "^11.0.0"], in: fixture.temp.url)])
        let records = MemoryRecords()
        let context = try fixture.context(upstream: "http://127.0.0.1:9", records: records)
        let first = try await NpmMirrorSource().run(action: "diff-build", revision: nil, params: .object([:]), context: context)
        #expect(first.details["baseline"] == .null, "the first diff carries the whole storage")
        let offline = fixture.temp.url.appendingPathComponent("offline")
        try StorageFolder.copy(fixture.storage, to: offline)
        try await fixture.upstream.run { base in
            let refresh = try fixture.context(upstream: base, records: records)
            _ = try await NpmMirrorSource().run(action: "refresh-full", revision: nil, params: .object([:]), context: refresh)
        }
        let second = try await NpmMirrorSource().run(action: "diff-build", revision: nil, params: .object([:]), context: context)
        #expect(second.details["baseline"] == first.details["snapshot"])
        let name = try #require(context.artifacts.last?.name)
        #expect(name.range(of: #"^diff-[0-9]{12}(-[0-9]+)?\.tar\.zst$"#, options: .regularExpression) != nil, "\(name)")
        return (fixture, offline, context.artifactDirectory.appendingPathComponent(name), context)
    }

    @Test func applyingTheDiffMakesTheOfflineStorageIdentical() async throws {
        let (fixture, offline, archive, context) = try await twoSides()
        #expect(try StorageFolder.digests(offline) != StorageFolder.digests(fixture.storage))
        let report = try DiffApplier(storage: offline).apply(archive: archive, dryRun: false)
        #expect(try StorageFolder.digests(offline) == StorageFolder.digests(fixture.storage))
        #expect(report.written.contains("ferry-demo/ferry-demo-1.1.0.tgz") && report.written.contains("npm-package-arg/package.json"))
        #expect(!report.restartNeeded)
        #expect(report.written.firstIndex(of: "ferry-demo/ferry-demo-1.1.0.tgz")! < report.written.firstIndex(of: "ferry-demo/package.json")!,
                "tarballs land before the packuments that list them")

        let again = try DiffApplier(storage: offline).apply(archive: archive, dryRun: false)
        #expect(again.alreadyApplied && again.written.isEmpty, "applying twice is a no-op: the history has its snapshot")
        #expect(try StorageFolder.digests(offline) == StorageFolder.digests(fixture.storage))
        #expect(try DiffImportHistory(storage: offline).current()?.snapshot == report.manifest.snapshot)

        let empty = try await NpmMirrorSource().run(action: "diff-build", revision: nil, params: .object([:]), context: context)
        #expect(empty.summary.contains("no changes"))
        #expect(context.artifacts.count == 2, "an empty diff makes no archive")

        let growth = try MirrorGrowth.recent(context.records)
        #expect(growth.map(\.archive) == context.artifacts.map(\.name), "one size record per archive, oldest first")
        try #require(growth.count == 2)
        #expect(growth[1].storageBytes > growth[0].storageBytes && growth[1].diffBytes < growth[0].diffBytes, "\(growth)")
        #expect(growth[0].storageBytes == growth[0].diffBytes, "the first diff carries the whole storage")
        let charts = try NpmMirrorSource().charts(records: context.records)
        #expect(charts.count == 1 && charts[0].svg.components(separatedBy: "<rect").count - 1 >= 2, "a bar per diff: \(charts)")
        #expect(charts.first?.svg.contains(#"data-diff-bytes="\#(growth[1].diffBytes)""#) == true)
    }

    @Test func theArchiveHoldsAManifestAReadmeAndOnlyStorageFiles() async throws {
        let (fixture, _, archive, _) = try await twoSides()
        defer { withExtendedLifetime(fixture) {} }
        let listing = try Shell.run(["tar", "--zstd", "-tf", archive.path]).split(separator: "\n").map(String.init)
        #expect(listing.prefix(2) == ["manifest.json", "README.md"])
        #expect(listing.dropFirst(2).allSatisfy { $0.hasPrefix("storage/") })
        #expect(!listing.contains { $0.contains(".verdaccio-db.json") || $0.contains(".tmp") })
        let manifest = try DiffManifest.decode(Data(Shell.run(["tar", "--zstd", "-xOf", archive.path, "manifest.json"]).utf8))
        #expect(manifest.files.count == listing.count - 2)
        #expect(manifest.files.allSatisfy { $0.sha512.count == 128 && $0.size > 0 })
    }

    @Test func aDryRunChangesNothing() async throws {
        let (fixture, offline, archive, _) = try await twoSides()
        defer { withExtendedLifetime(fixture) {} }
        let before = try StorageFolder.digests(offline)
        let report = try DiffApplier(storage: offline).apply(archive: archive, dryRun: true)
        #expect(!report.written.isEmpty)
        #expect(try StorageFolder.digests(offline) == before)
    }

    enum BadArchive: String, CaseIterable, Sendable {
        case tampered, truncated, pathEscaping, symlink, unlisted
    }

    @Test(arguments: BadArchive.allCases)
    func aBadArchiveIsRefusedWithNothingChanged(_ kind: BadArchive) async throws {
        let (fixture, offline, archive, _) = try await twoSides()
        let work = fixture.temp.url.appendingPathComponent("work-\(kind)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        try Shell.run(["tar", "--zstd", "-xf", archive.path, "-C", work.path])
        let bad = fixture.temp.url.appendingPathComponent("bad-\(kind).tar.zst")
        var members = ["manifest.json", "README.md", "storage"]
        switch kind {
        case .tampered:
            let file = work.appendingPathComponent("storage/ferry-demo/ferry-demo-1.1.0.tgz")
            var bytes = try Data(contentsOf: file)
            bytes[bytes.count / 2] ^= 1
            try bytes.write(to: file)
        case .truncated:
            break
        case .pathEscaping:
            let source = fixture.temp.url.appendingPathComponent("src-escape")
            try FileManager.default.createDirectory(at: source, withIntermediateDirectories: true)
            try Data("owned".utf8).write(to: source.appendingPathComponent("escaped.txt"))
            // -P keeps GNU tar from stripping the `..` itself.
            members = ["-P", "--transform=s,^escaped.txt$,storage/../escaped.txt,"] + members + ["-C", source.path, "escaped.txt"]
        case .symlink:
            try FileManager.default.createSymbolicLink(atPath: work.appendingPathComponent("storage/ferry-demo/evil.tgz").path, withDestinationPath: "/etc/passwd")
        case .unlisted:
            try Data("extra".utf8).write(to: work.appendingPathComponent("storage/ferry-demo/extra.tgz"))
        }
        try Shell.run(["tar", "--zstd", "-cf", bad.path, "-C", work.path] + members)
        if kind == .truncated {
            let bytes = try Data(contentsOf: archive)
            try bytes.prefix(bytes.count * 2 / 3).write(to: bad)
        }
        let before = try StorageFolder.digests(offline)
        let listing = try FileManager.default.subpathsOfDirectory(atPath: offline.path).sorted()
        #expect(throws: FerryError.self) { _ = try DiffApplier(storage: offline).apply(archive: bad, dryRun: false) }
        do {
            _ = try DiffApplier(storage: offline).apply(archive: bad, dryRun: false)
        } catch let error as FerryError {
            #expect(error.message.hasPrefix("archive refused, nothing changed"), "\(error.message)")
            let reason = switch kind {
            case .tampered: "does not match its sha512"
            case .truncated: "truncated"
            case .pathEscaping: "would write outside the storage"
            case .symlink: "symbolic link"
            case .unlisted: "is not listed in manifest.json"
            }
            #expect(error.message.contains(reason), "\(error.message)")
        }
        #expect(try StorageFolder.digests(offline) == before)
        #expect(try FileManager.default.subpathsOfDirectory(atPath: offline.path).sorted() == listing, "no staging folder is left behind")
        #expect(!FileManager.default.fileExists(atPath: offline.deletingLastPathComponent().appendingPathComponent("escaped.txt").path))
    }

    @Test func anUnknownBaselineIsABadParameter() async throws {
        let fixture = try await MirrorFixture.make(mirrored: ["yallist"])
        let context = try fixture.context(upstream: "http://127.0.0.1:9")
        await #expect(throws: FerryError.self) {
            _ = try await NpmMirrorSource().run(action: "diff-build", revision: nil, params: .object(["baseline": .string("s-nope")]), context: context)
        }
        #expect(context.artifacts.isEmpty)
    }
}

import FerryCore
import FerryTestSupport
import Foundation
import PluginTestKit
import Testing
@testable import NpmMirrorSource

/// `ferry npm apply` killed in the middle (kill -9, a power cut) leaves its staging folder in the
/// storage; running it again completes the apply and removes what the dead one left, but never
/// the staging folder of an apply that is still running. (Found by tests/chaos/campaign.py.)
@Suite(.offPool) struct InterruptedApplyTests {
    @Test func theNextApplyRemovesTheStagingFolderOfAKilledOne() async throws {
        let fixture = try await MirrorFixture.make(mirrored: RefreshTests.mirrored)
        let demo = try await PackedPackages.made("ferry-demo", "1.0.0", in: fixture.temp.url)
        try StorageFolder.write([demo], to: fixture.storage, tarballBase: "https://registry.npmjs.org")
        let context = try fixture.context(upstream: "http://127.0.0.1:9")
        _ = try await NpmMirrorSource().run(action: "diff-build", revision: nil, params: .object([:]), context: context)
        let archive = context.artifactDirectory.appendingPathComponent(try #require(context.artifacts.last?.name))
        let offline = fixture.temp.url.appendingPathComponent("offline")
        try FileManager.default.createDirectory(at: offline, withIntermediateDirectories: true)

        let dead = offline.appendingPathComponent("\(DiffApplier.stagingPrefix)\(try exitedProcessID())-12345")
        let running = offline.appendingPathComponent("\(DiffApplier.stagingPrefix)\(getpid())-6789")
        let older = offline.appendingPathComponent("\(DiffApplier.stagingPrefix)3166264807")
        for folder in [dead, running, older] {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: false)
            try Data(repeating: 7, count: 4096).write(to: folder.appendingPathComponent("0"))
        }

        let report = try DiffApplier(storage: offline).apply(archive: archive, dryRun: false)

        #expect(!report.written.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: dead.path), "the killed apply's staging folder is removed")
        #expect(!FileManager.default.fileExists(atPath: older.path), "so is one named before staging folders carried their process id")
        #expect(FileManager.default.fileExists(atPath: running.path), "a running apply keeps its own")
        let left = try FileManager.default.contentsOfDirectory(atPath: offline.path).filter { $0.hasPrefix(DiffApplier.stagingPrefix) }
        #expect(left == [running.lastPathComponent], "the apply removed its own staging folder too")
        for file in report.manifest.files {
            let copy = try Data(contentsOf: offline.appendingPathComponent(file.path))
            #expect(TarballDigest.sha512Hex(copy) == file.sha512, "\(file.path) is in place")
        }
    }

    @Test func aDryRunLeavesAbandonedStagingFoldersAlone() async throws {
        let fixture = try await MirrorFixture.make(mirrored: RefreshTests.mirrored)
        let demo = try await PackedPackages.made("ferry-demo", "1.0.0", in: fixture.temp.url)
        try StorageFolder.write([demo], to: fixture.storage, tarballBase: "https://registry.npmjs.org")
        let context = try fixture.context(upstream: "http://127.0.0.1:9")
        _ = try await NpmMirrorSource().run(action: "diff-build", revision: nil, params: .object([:]), context: context)
        let archive = context.artifactDirectory.appendingPathComponent(try #require(context.artifacts.last?.name))
        let offline = fixture.temp.url.appendingPathComponent("offline")
        let dead = offline.appendingPathComponent("\(DiffApplier.stagingPrefix)\(try exitedProcessID())-1")
        try FileManager.default.createDirectory(at: dead, withIntermediateDirectories: true)

        _ = try DiffApplier(storage: offline).apply(archive: archive, dryRun: true)

        #expect(FileManager.default.fileExists(atPath: dead.path), "a dry run changes nothing")
    }

    /// The id of a process that has exited and been reaped: no process has it now.
    private func exitedProcessID() throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/true")
        try process.run()
        process.waitUntilExit()
        return process.processIdentifier
    }
}

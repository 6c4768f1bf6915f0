import FerryCore
import FerryTestSupport
import Foundation
import PluginTestKit
import Testing
@testable import NpmMirrorSource

/// diff-build signs its manifest when the config names a key; the offline side then trusts the
/// key, not the archive; and neither side starts on a disk too full for the work.
@Suite(.offPool) struct SignedDiffBuildTests {
    @Test func aSignedDiffAppliesWithItsKeyAndNotWithAnother() async throws {
        let fixture = try await MirrorFixture.make(mirrored: ["yallist"])
        let demo = try await PackedPackages.made("signed-demo", "1.0.0", in: fixture.temp.url)
        try StorageFolder.write([demo], to: fixture.storage, tarballBase: "https://registry.npmjs.org")
        let (privateKey, publicKey) = DiffSignature.keyPair()
        let context = try fixture.context(upstream: "http://127.0.0.1:9", config: ["signingKeyEnv": .string("NPM_SIGNING_KEY")], env: ["NPM_SIGNING_KEY": privateKey])
        let built = try await NpmMirrorSource().run(action: "diff-build", revision: nil, params: .object([:]), context: context)
        let archive = context.artifactDirectory.appendingPathComponent(try #require(context.artifacts.last?.name))
        let listing = try Shell.run(["tar", "--zstd", "-tf", archive.path]).split(separator: "\n").map(String.init)
        #expect(listing.prefix(3) == ["manifest.json", "manifest.sig", "README.md"], "\(listing.prefix(3))")
        let trusted = try DiffSignature.publicKey(publicKey, file: "test.pub")
        #expect(built.details["signedBy"] == .string(DiffSignature.keyID(trusted)))

        let offline = fixture.temp.url.appendingPathComponent("offline")
        try FileManager.default.createDirectory(at: offline, withIntermediateDirectories: true)
        let stranger = try DiffSignature.publicKey(DiffSignature.keyPair().publicKey, file: "other.pub")
        #expect(throws: FerryError.self) { _ = try DiffApplier(storage: offline, trust: .signature(publicKey: stranger)).apply(archive: archive, dryRun: false) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: offline.path).isEmpty)
        let report = try DiffApplier(storage: offline, trust: .signature(publicKey: trusted)).apply(archive: archive, dryRun: false)
        #expect(report.trust == "signature" && report.signer == DiffSignature.keyID(trusted))
        #expect(try StorageFolder.digests(offline) == StorageFolder.digests(fixture.storage))
        #expect(try DiffImportHistory(storage: offline).current()?.signer == DiffSignature.keyID(trusted))
    }

    @Test func aNamedKeyThatIsMissingFailsTheBuildNamingTheField() async throws {
        let fixture = try await MirrorFixture.make(mirrored: ["yallist"])
        try StorageFolder.write([try await PackedPackages.made("signed-demo", "1.0.0", in: fixture.temp.url)], to: fixture.storage, tarballBase: "https://registry.npmjs.org")
        let context = try fixture.context(upstream: "http://127.0.0.1:9", config: ["signingKeyEnv": .string("NPM_SIGNING_KEY")])
        do {
            _ = try await NpmMirrorSource().run(action: "diff-build", revision: nil, params: .object([:]), context: context)
            Issue.record("an unsigned archive was made although a key was named")
        } catch let error as FerryError {
            #expect(error.field == "source.config.signingKeyEnv", "\(error.message)")
        }
        #expect(context.artifacts.isEmpty)
    }

    @Test func tooLittleFreeSpaceIsRefusedWithTheNumbers() throws {
        let temp = try TempDir()
        #expect(throws: Never.self) { try DiskRoom.check(temp.url, needs: 1, for: "a test") }
        do {
            try DiskRoom.check(temp.url, needs: Int64(1) << 50, for: "unpacking diff-1.tar.zst")
            Issue.record("an exabyte fit")
        } catch let error as FerryError {
            #expect(error.message.contains("not enough free space for unpacking diff-1.tar.zst in \(temp.url.path): it needs 1024 TiB"), "\(error.message)")
            #expect(error.message.contains("are free"))
        }
    }
}

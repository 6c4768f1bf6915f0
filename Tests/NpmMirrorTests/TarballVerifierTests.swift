import FerryCore
import FerryTestSupport
import Foundation
import PluginTestKit
import Testing
@testable import NpmMirrorSource

/// The tarball check finds what `tar -tzf`, `gzip -t` and npm's integrity check find, each on
/// real tarballs packed by npm.
@Suite(.offPool) struct TarballVerifierTests {
    private func pair() async throws -> (PackedVersion, PackedVersion) {
        let packed = try await PackedPackages.shared()
        return (packed.first { $0.name == "tar" }!, packed.first { $0.name == "yallist" }!)
    }

    private func expected(_ v: PackedVersion) throws -> TarballDigest.Expected {
        let bytes = try Data(contentsOf: v.tarball)
        return TarballDigest.Expected(integrity: TarballDigest.integrity(bytes), shasum: TarballDigest.shasum(bytes))
    }

    @Test func aSoundTarballPasses() async throws {
        let (tar, _) = try await pair()
        #expect(TarballVerifier.problem(file: tar.tarball, expected: try expected(tar)) == nil)
    }

    @Test(arguments: Damage.allCases)
    func damageIsFoundAndGzipAgrees(_ damage: Damage) async throws {
        let (tar, other) = try await pair()
        let temp = try TempDir()
        let file = temp.url.appendingPathComponent("tar-6.2.1.tgz")
        try FileManager.default.copyItem(at: tar.tarball, to: file)
        try damage.apply(to: file, other: other.tarball)
        let problem = try #require(TarballVerifier.problem(file: file, expected: try expected(tar)))
        switch damage {
        case .truncated, .corruptGzip:
            #expect(problem.contains("gzip") || problem.contains("tar"), "\(problem)")
            #expect(throws: (any Error).self, "gzip -t must agree the file is broken") { try Shell.run(["gzip", "-t", file.path]) }
        case .wrongContent:
            #expect(problem.hasPrefix("wrong content: sha512"), "\(problem)")
        }
    }

    @Test func aBadTrailerIsFoundThoughEveryByteInflates() async throws {
        let (tar, _) = try await pair()
        var bytes = try Data(contentsOf: tar.tarball)
        bytes[bytes.count - 8] ^= 0xFF  // first byte of the CRC-32
        #expect(TarballVerifier.problem(data: bytes, expected: nil) == "corrupt gzip: CRC-32 differs from the trailer")
    }

    @Test func sha1IsTheFallbackWhenThereIsNoIntegrity() async throws {
        let (tar, other) = try await pair()
        let bytes = try Data(contentsOf: tar.tarball)
        let sha1Only = TarballDigest.Expected(integrity: nil, shasum: TarballDigest.shasum(bytes))
        #expect(TarballVerifier.problem(data: bytes, expected: sha1Only) == nil)
        let wrong = TarballDigest.Expected(integrity: nil, shasum: TarballDigest.shasum(try Data(contentsOf: other.tarball)))
        #expect(TarballVerifier.problem(data: bytes, expected: wrong)?.hasPrefix("wrong content: sha1") == true)
    }

    @Test func aGzippedFileThatIsNoTarIsBroken() throws {
        let temp = try TempDir()
        let file = temp.url.appendingPathComponent("x.txt")
        try Data(String(repeating: "not a tar archive\n", count: 100).utf8).write(to: file)
        try Shell.run(["gzip", "-n", file.path])
        let problem = TarballVerifier.problem(file: temp.url.appendingPathComponent("x.txt.gz"), expected: nil)
        #expect(problem?.contains("tar") == true, "\(problem ?? "nil")")
    }
}

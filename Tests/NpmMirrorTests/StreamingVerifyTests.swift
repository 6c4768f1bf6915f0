import FerryCore
import FerryTestSupport
import Foundation
import Testing
@testable import NpmMirrorSource

/// The tarball check is one streaming pass: CRC-32 and digests fed chunk by chunk agree with
/// the one-shot forms, a large sound tarball passes and every kind of damage in it is found,
/// and a gzip bomb is refused at `maxInflatedSize` instead of being inflated into memory.
@Suite struct StreamingVerifyTests {
    @Test func theIncrementalCRCEqualsTheOneShotCRCForRandomSplits() {
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926, "the IEEE check value")
        var random = SplitMix64(seed: 7)
        for _ in 0..<20 {
            let bytes = (0..<Int.random(in: 0..<5000, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
            var crc = CRC32()
            var start = 0
            while start < bytes.count {
                let end = min(bytes.count, start + Int.random(in: 0...700, using: &random))
                crc.update(Array(bytes[start..<end]))
                start = end
            }
            #expect(crc.value == CRC32.checksum(bytes), "\(bytes.count) bytes")
        }
    }

    @Test func theCRCIsTheOneGzipWritesInItsTrailer() throws {
        let temp = try TempDir()
        let file = temp.url.appendingPathComponent("data.bin")
        var random = SplitMix64(seed: 3)
        let bytes = (0..<100_003).map { _ in UInt8.random(in: 0...255, using: &random) }
        try Data(bytes).write(to: file)
        _ = try Shell.run(["gzip", "-n", file.path])
        let gz = try Data(contentsOf: temp.url.appendingPathComponent("data.bin.gz"))
        let trailer = gz.suffix(8).prefix(4).reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        #expect(CRC32.checksum(bytes) == trailer)
    }

    @Test func theStreamedDigestEqualsTheOneShotDigest() throws {
        var random = SplitMix64(seed: 5)
        let bytes = Data((0..<300_000).map { _ in UInt8.random(in: 0...255, using: &random) })
        let expected = TarballDigest.Expected(integrity: TarballDigest.integrity(bytes), shasum: nil)
        var check = TarballDigest.Check(expected)
        for start in stride(from: 0, to: bytes.count, by: 65_537) {
            bytes[start..<min(bytes.count, start + 65_537)].withUnsafeBytes { check.update($0) }
        }
        #expect(check.mismatch() == nil)
        #expect(TarballDigest.mismatch(bytes.dropLast(), expected: expected)?.hasPrefix("sha512 is") == true)
    }

    @Test func aGzipBombIsRefusedWithTheLimitNamed() throws {
        let temp = try TempDir()
        let bomb = try MadeTarballs.bomb(zeros: 64 << 20, in: temp.url)
        #expect(try Data(contentsOf: bomb).count < 1 << 20, "the bomb is small on disk")
        #expect(TarballVerifier.problem(file: bomb, expected: nil, maxInflatedSize: 16 << 20) == "inflates past 16 MiB (maxInflatedSize)")
        let finding = try #require(TarballVerifier.verify(file: bomb, expected: nil, maxInflatedSize: 16 << 20))
        #expect(finding.exceedsLimit, "a limit is not worth a retry")
        #expect(TarballVerifier.problem(file: bomb, expected: nil) == nil, "under the default 1 GiB the same file is a sound tarball")
    }

    @Test func aLargeSoundTarballPassesAndEveryDamageInItIsFound() throws {
        let temp = try TempDir()
        let file = try MadeTarballs.large(files: 6, size: 3 << 20, in: temp.url)
        let bytes = try Data(contentsOf: file)
        #expect(bytes.count > 8 * CompressedStream.chunkSize, "many chunks: \(bytes.count) bytes")
        let expected = TarballDigest.Expected(integrity: TarballDigest.integrity(bytes), shasum: TarballDigest.shasum(bytes))
        #expect(TarballVerifier.problem(file: file, expected: expected) == nil)
        #expect(TarballVerifier.problem(data: bytes, expected: expected) == nil, "bytes in memory read the same as the file")

        var crc = bytes
        crc[crc.count - 8] ^= 0xFF
        #expect(TarballVerifier.problem(data: crc, expected: nil) == "corrupt gzip: CRC-32 differs from the trailer")
        var length = bytes
        length[length.count - 1] ^= 0x01
        #expect(TarballVerifier.problem(data: length, expected: nil)?.hasPrefix("corrupt gzip: length ") == true)
        let truncated = bytes.prefix(bytes.count / 2)
        #expect(TarballVerifier.problem(data: truncated, expected: nil)?.hasPrefix("corrupt gzip: ") == true)
        var flipped = bytes
        for i in stride(from: bytes.count / 3, to: bytes.count / 3 + 64, by: 4) { flipped[i] ^= 0x5A }
        #expect(TarballVerifier.problem(data: flipped, expected: nil)?.hasPrefix("corrupt gzip: ") == true)
        let other = TarballDigest.Expected(integrity: TarballDigest.integrity(Data("other".utf8)), shasum: nil)
        #expect(TarballVerifier.problem(file: file, expected: other)?.hasPrefix("wrong content: sha512 is ") == true)
    }

    /// Damage inside a well-formed gzip stream: only the tar walk can find it.
    @Test func tarDamageUnderSoundGzipIsFound() throws {
        let temp = try TempDir()
        let file = try MadeTarballs.large(files: 2, size: 100_000, in: temp.url)
        let packed = temp.url.appendingPathComponent("large.tar.gz")
        try FileManager.default.moveItem(at: file, to: packed)
        _ = try Shell.run(["gzip", "-d", packed.path])
        let tar = try Data(contentsOf: temp.url.appendingPathComponent("large.tar"))
        func problem(_ bytes: Data) throws -> String? {
            let raw = temp.url.appendingPathComponent("case.tar")
            try bytes.write(to: raw)
            _ = try Shell.run(["gzip", "-n", "-f", raw.path])
            return TarballVerifier.problem(file: temp.url.appendingPathComponent("case.tar.gz"), expected: nil)
        }
        #expect(try problem(tar) == nil)
        var header = tar
        header[100] ^= 0x01  // inside the first header's mode field: its checksum no longer holds
        #expect(try problem(header)?.hasPrefix("truncated or corrupt tar: damaged header at byte 0") == true)
        let header1 = try #require(tar.range(of: Data("package/file-1.bin".utf8))?.lowerBound, "a header starts with its name")
        let cut = try problem(tar.prefix(header1 + 512 + 1000))
        #expect(cut?.hasPrefix("truncated tar entry") == true, "cut inside a file's data: \(cut ?? "nil")")
        #expect(try problem(tar.prefix(300)) == "truncated or corrupt tar: the stream ends inside the header at byte 0")
        #expect(try problem(Data(count: 10240)) == "the tar stream holds no files")
    }

    @Test func theLimitsAreConfigKeysWithSaneDefaults() throws {
        let config = try NpmMirrorConfig.load(from: .object(["storage": .string("v")]))
        #expect(config.maxInflatedSize == 1 << 30 && config.maxPackumentSize == 100 << 20)
        #expect(NpmMirrorConfig.sizeText(config.maxInflatedSize) == "1 GiB")
        #expect(throws: FerryError.self) { try NpmMirrorConfig.load(from: .object(["storage": .string("v"), "maxInflatedSize": .number(0)])) }
        let schema = NpmMirrorSource().schema
        #expect(schema.property("maxInflatedSize")?.defaultValue == .number(Double(1 << 30)))
        #expect(schema.property("maxPackumentSize")?.defaultValue == .number(Double(100 << 20)))
        #expect(schema.property("maxPackumentSize")?.description?.isEmpty == false)
    }
}

import FerryCore
import FerryTestSupport
import Foundation
import PluginTestKit
import Testing
@testable import NpmMirrorSource

/// The tarball check is one streaming pass: CRC-32 and digests fed chunk by chunk agree with
/// the one-shot forms, a large sound tarball passes and every kind of damage in it is found,
/// and a gzip bomb is refused at `maxInflatedSize` instead of being inflated into memory.
@Suite(.offPool) struct StreamingVerifyTests {
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

    /// Sizes from outside, in a header or a pax record, are findings however large, never traps.
    @Test func hostileTarNumbersAreFindingsNotTraps() {
        func walk(_ blocks: [[UInt8]]) -> String? {
            var walker = TarWalker()
            let bytes = blocks.flatMap { $0 } + [UInt8](repeating: 0, count: 1024)
            bytes.withUnsafeBytes { walker.feed($0) }
            return walker.finish()
        }
        func pax(_ records: String) -> [[UInt8]] {
            let data = Array(records.utf8)
            return [TarHeader.block("PaxHeader", size: TarHeader.octal(data.count), type: "x"), data + [UInt8](repeating: 0, count: 511 - (data.count + 511) % 512)]
        }
        let file = TarHeader.block("package/a", size: TarHeader.octal(0), type: "0")
        #expect(walk([file]) == nil)
        #expect(walk([TarHeader.block("package/a", size: [0x80, 0, 0, 0] + [UInt8](repeating: 0xFF, count: 8), type: "0")])?.contains("gives a size of 18446744073709551615") == true)
        #expect(walk([TarHeader.block("package/a", size: [0x80] + [UInt8](repeating: 0xFF, count: 11), type: "0")])?.contains("negative or oversized size") == true)
        #expect(walk([TarHeader.block("package/a", size: [0xFF] + [UInt8](repeating: 0xFF, count: 11), type: "0")])?.contains("negative or oversized size") == true)
        #expect(walk(pax("29 size=18446744073709551615\n") + [file])?.contains("gives a size of 18446744073709551615") == true)
        #expect(walk(pax("9223372036854775807 size=1\n") + [file]) == "truncated or corrupt tar: unreadable pax header")
        #expect(walk(pax("99999999999999999999999 size=1\n") + [file]) == "truncated or corrupt tar: unreadable pax header")
        #expect(walk(pax("11 size=2x\n") + [file]) == "truncated or corrupt tar: pax size \"2x\" is not a number")
        #expect(walk(pax("11 size=12\n") + [file, [UInt8](repeating: 7, count: 512)]) == nil, "the pax size replaces the header's")
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

/// ustar header blocks written by hand, for inputs no `tar` would write.
enum TarHeader {
    static func octal(_ n: Int) -> [UInt8] {
        let digits = Array(String(n, radix: 8).utf8)
        return [UInt8](repeating: UInt8(ascii: "0"), count: 11 - digits.count) + digits + [0]
    }

    static func block(_ name: String, size: [UInt8], type: Character) -> [UInt8] {
        var h = [UInt8](repeating: 0, count: 512)
        h.replaceSubrange(0..<name.utf8.count, with: name.utf8)
        h.replaceSubrange(100..<108, with: Array("0000644\0".utf8))
        h.replaceSubrange(124..<136, with: size)
        h[156] = type.asciiValue!
        h.replaceSubrange(257..<263, with: Array("ustar\0".utf8))
        h.replaceSubrange(148..<156, with: [UInt8](repeating: UInt8(ascii: " "), count: 8))
        let sum = h.reduce(0) { $0 + Int($1) }
        h.replaceSubrange(148..<156, with: Array(octal(sum).suffix(7)) + [UInt8(ascii: " ")])
        return h
    }
}

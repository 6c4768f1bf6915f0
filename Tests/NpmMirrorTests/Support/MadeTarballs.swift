import FerryTestSupport
import Foundation

/// Tarballs made at test time with the real `tar` and `gzip`: a gzip bomb (a sparse file of
/// zeros, so it is small on disk before and after packing) and a large, valid, incompressible one.
enum MadeTarballs {
    /// A `package/` tarball whose `package/zeros` is `zeros` bytes of zeros: a few KiB per 64 MiB.
    static func bomb(zeros: Int, in folder: URL) throws -> URL {
        let src = try source(in: folder, name: "bomb")
        let file = src.appendingPathComponent("package/zeros")
        _ = FileManager.default.createFile(atPath: file.path, contents: nil)
        let handle = try FileHandle(forWritingTo: file)
        try handle.truncate(atOffset: UInt64(zeros))
        try handle.close()
        return try pack(src, to: folder.appendingPathComponent("bomb-1.0.0.tgz"))
    }

    /// A `package/` tarball of `files` files of `size` pseudo-random bytes each (seeded, so every
    /// run packs the same content), with one path long enough to need a pax header.
    static func large(files: Int, size: Int, in folder: URL) throws -> URL {
        let src = try source(in: folder, name: "large")
        var random = SplitMix64(seed: 12)
        let deep = "package/" + String(repeating: "a-rather-long-folder-name/", count: 6)
        try FileManager.default.createDirectory(at: src.appendingPathComponent(deep), withIntermediateDirectories: true)
        for i in 0..<files {
            let words = (0..<(size / 8)).map { _ in random.next() }
            let bytes = words.withUnsafeBytes { Data($0) }
            try bytes.write(to: src.appendingPathComponent(i == 0 ? deep + "first-file-with-a-long-name.bin" : "package/file-\(i).bin"))
        }
        return try pack(src, to: folder.appendingPathComponent("large-1.0.0.tgz"), pax: true)
    }

    private static func source(in folder: URL, name: String) throws -> URL {
        let src = folder.appendingPathComponent("src-\(name)")
        try FileManager.default.createDirectory(at: src.appendingPathComponent("package"), withIntermediateDirectories: true)
        try Data("{\"name\":\"\(name)\",\"version\":\"1.0.0\"}\n".utf8).write(to: src.appendingPathComponent("package/package.json"))
        return src
    }

    private static func pack(_ src: URL, to file: URL, pax: Bool = false) throws -> URL {
        _ = try Shell.run(["tar", "-czf", file.path] + (pax ? ["--format=pax"] : []) + ["-C", src.path, "package"])
        return file
    }
}

/// A small seeded generator (SplitMix64), so "random" test data is the same on every run.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

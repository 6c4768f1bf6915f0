import FerryCore
import Foundation
import FuzzDriver
import NpmMirrorSource

/// `ferry npm apply` on a hostile archive: the input is written to a file (DiffApplier reads
/// archives from disk) and applied as a dry run to a small storage folder. libarchive reads
/// zstd-compressed and plain tar alike, so plain-tar seeds let the fuzzer reach the entries.
/// An input that starts with `{` is also read as the archive's manifest.json on its own.
private let scratch: URL = {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ferry-fuzz-diff-\(getpid())")
    try? FileManager.default.createDirectory(at: dir.appendingPathComponent("storage/left-pad"), withIntermediateDirectories: true)
    _ = FileManager.default.createFile(atPath: dir.appendingPathComponent("storage/left-pad/package.json").path, contents: Data("{}".utf8))
    atexit { try? FileManager.default.removeItem(atPath: FileManager.default.temporaryDirectory.appendingPathComponent("ferry-fuzz-diff-\(getpid())").path) }
    return dir
}()

/// The process entry point SwiftPM links as `main`; hands over to libFuzzer.
@_cdecl("DiffArchiveFuzz_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    ferry_fuzz_main(argc, argv)
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Data(bytes: data, count: size)
    if bytes.first == UInt8(ascii: "{") { _ = try? DiffManifest.decode(bytes) }
    let archive = scratch.appendingPathComponent("input.tar.zst")
    guard FileManager.default.createFile(atPath: archive.path, contents: bytes) else { fatalError("cannot write \(archive.path)") }
    let storage = scratch.appendingPathComponent("storage")
    _ = try? DiffApplier(storage: storage).apply(archive: archive, dryRun: true)
    // A dry run changes nothing: no staging folder may be left behind.
    if let left = try? FileManager.default.contentsOfDirectory(atPath: storage.path), left != ["left-pad"] {
        fatalError("a dry run left \(left) in the storage")
    }
    return 0
}

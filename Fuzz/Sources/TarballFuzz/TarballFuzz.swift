import Foundation
import FuzzDriver
import NpmMirrorSource

/// npm tarballs (gzip around tar) as `TarballVerifier` checks them during refresh and
/// broken-scan: gzip inflation, trailer CRC and length, the tar stream, and the SRI/shasum
/// comparison, with digests both right and made of the input's own bytes.
/// The process entry point SwiftPM links as `main`; hands over to libFuzzer.
@_cdecl("TarballFuzz_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    ferry_fuzz_main(argc, argv)
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Data(bytes: data, count: size)
    _ = TarballVerifier.problem(data: bytes, expected: nil)
    let right = TarballDigest.Expected(integrity: TarballDigest.integrity(bytes), shasum: TarballDigest.shasum(bytes))
    _ = TarballVerifier.problem(data: bytes, expected: right)
    if TarballDigest.mismatch(bytes, expected: right) != nil { fatalError("the input's own digests do not match it") }
    let text = String(decoding: bytes.prefix(256), as: UTF8.self)
    _ = TarballDigest.mismatch(bytes, expected: .init(integrity: text, shasum: text))
    return 0
}

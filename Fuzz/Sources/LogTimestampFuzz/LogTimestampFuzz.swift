import Foundation
import FuzzDriver
@testable import LogScanTrigger

/// The time a log line says it was written (ISO-8601 date-times, pino/Verdaccio epoch
/// milliseconds): log-scan reads it from every line of files it does not control.
/// The process entry point SwiftPM links as `main`; hands over to libFuzzer.
@_cdecl("LogTimestampFuzz_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    ferry_fuzz_main(argc, argv)
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    for line in text.split(separator: "\n", omittingEmptySubsequences: false).prefix(64) {
        _ = LineTimestamp.find(in: String(line))
    }
    return 0
}

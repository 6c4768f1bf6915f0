import FerryCore
import Foundation
import FuzzDriver

/// Core's JSON reader (`JSONValue(parsing:)`), which reads webhook bodies, stored configs and
/// packuments, next to Foundation's `JSONDecoder`: where both read a text they must agree on
/// its value, and what the reader returns must read back unchanged from its canonical text.
/// (Where only one of them accepts a text nothing is asserted: the tests pin the reader's refusals.)
/// The process entry point SwiftPM links as `main`; hands over to libFuzzer.
@_cdecl("JSONFuzz_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    ferry_fuzz_main(argc, argv)
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    guard let value = try? JSONValue(parsing: bytes, maxDepth: 64) else { return 0 }
    guard (try? JSONValue(parsing: value.canonicalData())) == value else {
        fatalError("the canonical text of a parsed value does not read back as that value")
    }
    if let decoded = try? JSONDecoder().decode(JSONValue.self, from: Data(bytes)), decoded != value {
        fatalError("JSONDecoder reads \(decoded), the parser \(value)")
    }
    return 0
}


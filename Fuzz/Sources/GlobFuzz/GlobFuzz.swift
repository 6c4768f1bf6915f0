import FuzzDriver
import GitPushTrigger

/// Globs as targets write them (`public/**`, `release/*`): the input is a pattern, a newline,
/// then the text to match (a path or a branch name). Also matches the pattern against itself
/// and the text against itself, the cases hostile patterns like `**/**/**` aim at.
/// The process entry point SwiftPM links as `main`; hands over to libFuzzer.
@_cdecl("GlobFuzz_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    ferry_fuzz_main(argc, argv)
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let (pattern, text) = input.firstIndex(of: "\n").map { (String(input[..<$0]), String(input[input.index(after: $0)...])) }
        ?? (input, input)
    let glob = GlobPattern(pattern)
    _ = glob.matches(text)
    _ = glob.matches(pattern)
    _ = GlobPattern(text).matches(text)
    // A pattern without wildcards matches exactly itself.
    if !pattern.contains(where: { $0 == "*" || $0 == "?" }), !pattern.hasPrefix("/"), !glob.matches(pattern) {
        fatalError("the literal pattern \(pattern.debugDescription) does not match itself")
    }
    return 0
}

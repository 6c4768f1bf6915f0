import FerryCore
import FuzzDriver

/// node-semver versions and ranges as packuments, dependency specs, registry tags and
/// `GET /npm/<w>/<pkg>/<range>` carry them. Each input line is tried as a strict version, a
/// loose (registry tag) version and a range; every range is tested against every version.
/// The process entry point SwiftPM links as `main`; hands over to libFuzzer.
@_cdecl("SemverFuzz_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    ferry_fuzz_main(argc, argv)
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false).prefix(16).map(String.init)
    var versions: [SemverVersion] = []
    var ranges: [SemverRange] = []
    for line in lines {
        if let v = SemverVersion(line) {
            // A version's text reads back as the same version.
            guard SemverVersion(v.description) == v else { fatalError("\(v) does not read back as itself") }
            versions.append(v)
        }
        if let v = SemverVersion(loose: line) { versions.append(v) }
        if let r = SemverRange(line) { ranges.append(r) }
    }
    for r in ranges {
        for v in versions { _ = r.satisfies(v) }
        _ = r.maxSatisfying(versions)
    }
    _ = versions.sorted()
    return 0
}

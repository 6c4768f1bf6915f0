import FerryCore
import Foundation
import FuzzDriver
@testable import NpmMirrorSource

/// Packuments as an upstream registry answers them, full or abbreviated (the corgi form keeps
/// `name`, `dist-tags`, `modified` and trimmed `versions`): read, merged into an empty storage
/// copy as a refresh does, every version's dist and dependencies resolved against the same
/// document, then written and read back the way the storage keeps it.
/// The process entry point SwiftPM links as `main`; hands over to libFuzzer.
@_cdecl("PackumentFuzz_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    ferry_fuzz_main(argc, argv)
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard let upstream = try? Packument(data: Data(bytes: data, count: size), what: "fuzz input") else { return 0 }
    _ = upstream.semverVersions
    for version in upstream.versions.keys.sorted().prefix(64) {
        _ = upstream.dist(version)?.expected
        guard let doc = upstream.versionDoc(version) else { continue }
        for dependency in VersionPolicy.dependencies(of: doc).prefix(32) {
            _ = VersionPolicy.pick(dependency.range, in: upstream)
        }
    }
    let stored = Set(upstream.versions.keys.sorted().prefix(2))
    for policy in NpmMirrorConfig.Policy.allCases { _ = VersionPolicy.wanted(policy, upstream: upstream, stored: stored) }

    var local = Packument(name: upstream.name)
    _ = local.merge(upstream: upstream, uplink: "npmjs", etag: "\"fuzz\"", now: Date(timeIntervalSince1970: 1_700_000_000))
    var again = upstream
    _ = again.merge(upstream: upstream, uplink: "npmjs", etag: nil, now: Date(timeIntervalSince1970: 0))
    // What the storage keeps must read back as the same document.
    guard let reread = try? Packument(data: local.encoded(), what: "written packument"), reread.fields == local.fields else {
        fatalError("a merged packument does not read back as written")
    }
    return 0
}

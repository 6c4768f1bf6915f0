@testable import ComposerRepoSource
import FerryCore
import FuzzDriver

/// Core's JSON reader (`JSONValue(parsing:)`, behind composer-repo's `JSONText.parse`) on bytes as upstreams
/// send them: composer.json from a git tag, WordPress.org info answers, p2 files read back.
/// What it reads must survive Ferry's own writer unchanged, and the versions in it go through
/// Composer's version rules as a sync would take them.
/// The process entry point SwiftPM links as `main`; hands over to libFuzzer.
@_cdecl("ComposerJSONFuzz_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    ferry_fuzz_main(argc, argv)
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    guard let value = JSONText.parse(bytes) else { return 0 }
    // The writer's output is what clients and the next build read: it must parse to the same value.
    guard JSONText.parse(JSONText.bytes(value)) == value else {
        fatalError("JSONText.bytes wrote JSON that does not read back as the value it was given")
    }
    // As a WordPress.org info answer (`version`, `versions`, `last_updated`, …).
    _ = WordPressPackage(slug: "fuzz", theme: false, downloadsBase: "https://downloads.wordpress.org").map(value)
    _ = WordPressPackage(slug: "fuzz", theme: true, downloadsBase: "https://downloads.wordpress.org").map(value)
    // As a composer.json: its version, and its branch aliases as branch names.
    var versions: [String] = []
    if let version = value["version"]?.stringValue { versions.append(version) }
    if case .object(let aliases) = value[path: "extra.branch-alias"] {
        for (branch, alias) in aliases.prefix(32) {
            _ = ComposerVersion.branchVersion(branch)
            if let alias = alias.stringValue { versions.append(alias) }
        }
    }
    let normalized = versions.compactMap { try? ComposerVersion.normalize($0) }
    for a in normalized {
        _ = ComposerVersion.isDev(a)
        for b in normalized { _ = ComposerVersion.isNewer(a, than: b) }
    }
    return 0
}

import FerryCore
import Foundation

/// The pure decisions of a refresh: which versions of a package to download, which version a
/// dependency spec resolves to (as npm's pick-manifest does), and which dependencies a version
/// pulls in. No I/O, so each rule is tested on its own.
enum VersionPolicy {
    /// Versions the policy wants from `upstream`, given the versions whose tarball is stored.
    static func wanted(_ policy: NpmMirrorConfig.Policy, upstream: Packument, stored: Set<String>) -> [String] {
        let tagged = Set(upstream.distTags.values).filter { upstream.versions[$0] != nil }
        switch policy {
        case .all: return sorted(Array(upstream.versions.keys))
        case .tagged: return sorted(Array(tagged))
        case .newAndTagged:
            let newest = stored.compactMap(SemverVersion.init(_:)).max()
            let newer = upstream.versions.keys.filter { v in
                guard let newest, let parsed = SemverVersion(v) else { return false }
                return parsed > newest
            }
            return sorted(Array(tagged.union(newer)))
        }
    }

    /// What a dependency spec asks for: the registry package name and range, following npm
    /// aliases (`npm:real@^1`); nil for specs no registry serves (git, URLs, files, links).
    static func registrySpec(name: String, spec: String) -> (name: String, range: String)? {
        var name = name
        var spec = spec.trimmingCharacters(in: .whitespaces)
        if spec.hasPrefix("npm:") {
            let target = spec.dropFirst(4)
            let at = target.dropFirst().firstIndex(of: "@")
            name = String(at.map { target[..<$0] } ?? target)
            spec = at.map { String(target[target.index(after: $0)...]) } ?? "*"
        }
        let nonRegistry = ["git+", "git:", "http:", "https:", "file:", "link:", "github:", "workspace:", "portal:"]
        if nonRegistry.contains(where: spec.hasPrefix) || spec.contains("/") { return nil }
        return (name, spec.isEmpty ? "*" : spec)
    }

    /// The version npm would install for `range`: the `latest` tag when it satisfies the range,
    /// else the highest satisfying version; a dist-tag name resolves through the tags.
    static func pick(_ range: String, in packument: Packument) -> String? {
        let tags = packument.distTags
        if let tagged = tags[range], packument.versions[tagged] != nil { return tagged }
        guard let parsed = SemverRange(range) else { return nil }
        if let latest = tags["latest"], let v = SemverVersion(latest), parsed.satisfies(v), packument.versions[latest] != nil {
            return latest
        }
        let byVersion = Dictionary(packument.versions.keys.compactMap { k in SemverVersion(k).map { ($0, k) } }, uniquingKeysWith: { a, _ in a })
        return parsed.maxSatisfying(byVersion.keys).flatMap { byVersion[$0] }
    }

    /// One dependency a version asks for; `optional` when only its `optionalDependencies` name it.
    struct Dependency: Sendable, Equatable {
        var name: String
        var range: String
        var optional = false
    }

    /// The registry dependencies a version needs installed: `dependencies`,
    /// `optionalDependencies` and the peers npm 7+ installs (not the ones marked optional). A
    /// name in `optionalDependencies` is optional even when `dependencies` repeats it, as npm's
    /// publish normalisation (normalize-package-data) does.
    static func dependencies(of doc: Packument.VersionDoc) -> [Dependency] {
        var out: [Dependency] = []
        var seen = Set<String>()
        let optionalPeers = Set(doc.peerDependenciesMeta.filter { $0.value }.map(\.key))
        let groups = [doc.dependencies, doc.optionalDependencies, doc.peerDependencies.filter { !optionalPeers.contains($0.key) }]
        for group in groups {
            for (name, spec) in group.sorted(by: { $0.key < $1.key }) where !seen.contains(name) {
                seen.insert(name)
                let optional = doc.optionalDependencies[name] != nil
                if let resolved = registrySpec(name: name, spec: doc.optionalDependencies[name] ?? spec) {
                    out.append(Dependency(name: resolved.name, range: resolved.range, optional: optional))
                }
            }
        }
        return out
    }

    /// Whether a version belongs on this mirror given its `platforms`: always when none are
    /// listed or the version names no platform, else when one listed platform admits it.
    static func fits(_ doc: Packument.VersionDoc, platforms: [NpmPlatform]?) -> Bool {
        guard let platforms, !(doc.os.isEmpty && doc.cpu.isEmpty && doc.libc.isEmpty) else { return true }
        return platforms.contains { $0.admits(os: doc.os, cpu: doc.cpu, libc: doc.libc) }
    }

    static func sorted(_ versions: [String]) -> [String] {
        versions.sorted { (SemverVersion($0) ?? SemverVersion(0, 0, 0)) < (SemverVersion($1) ?? SemverVersion(0, 0, 0)) }
    }
}

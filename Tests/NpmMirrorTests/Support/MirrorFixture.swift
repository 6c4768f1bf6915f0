import FerryCore
import FerryTestSupport
import Foundation
import PluginTestKit
@testable import NpmMirrorSource

/// An upstream registry folder holding every packed package, and a mirror storage folder
/// holding some of them — the state of an online Verdaccio that cached a few installs.
struct MirrorFixture: Sendable {
    let temp: TempDir
    let upstreamRoot: URL
    let storage: URL
    let packed: [PackedVersion]
    let upstream: UpstreamRegistry

    /// `mirrored`: names copied into the mirror storage (all of them when nil).
    static func make(mirrored: Set<String>? = nil) async throws -> MirrorFixture {
        let temp = try TempDir()
        let packed = try await PackedPackages.shared()
        let upstreamRoot = temp.url.appendingPathComponent("upstream")
        let storage = temp.url.appendingPathComponent("storage")
        try StorageFolder.write(packed, to: upstreamRoot, tarballBase: "https://registry.npmjs.org")
        try StorageFolder.write(packed.filter { mirrored?.contains($0.name) ?? true }, to: storage, tarballBase: "https://registry.npmjs.org")
        try Data("{\"list\":[],\"secret\":\"s\"}".utf8).write(to: storage.appendingPathComponent(".verdaccio-db.json"))
        return MirrorFixture(temp: temp, upstreamRoot: upstreamRoot, storage: storage, packed: packed, upstream: UpstreamRegistry(root: upstreamRoot))
    }

    /// "Publishes" versions upstream.
    func publish(_ versions: [PackedVersion]) throws {
        try StorageFolder.write(versions, to: upstreamRoot, tarballBase: "https://registry.npmjs.org")
    }

    func context(upstream base: String, records: MemoryRecords = MemoryRecords(), config extra: [String: JSONValue] = [:], env: [String: String] = [:]) throws -> PluginTestContext {
        var config: [String: JSONValue] = ["storage": .string("verdaccio"), "upstream": .string(base), "retries": .number(3)]
        config.merge(extra) { _, new in new }
        return try PluginTestContext(
            kind: NpmMirrorSource.kind, config: .object(config), name: "mirror", env: env, volumes: ["verdaccio": storage], records: records,
            root: temp.url.appendingPathComponent("ctx-\(UUID().uuidString.prefix(6))"))
    }

    func layout() -> StorageLayout { StorageLayout(root: storage) }

    func tarball(_ name: String, _ version: String) -> URL {
        let v = packed.first { $0.name == name && $0.version == version }!
        return layout().tarballFile(name, fileName: v.fileName)
    }
}

extension ActionOutcome {
    var details: JSONValue {
        if case .done(_, let details) = self { return details }
        return .null
    }

    var summary: String {
        if case .done(let summary, _) = self { return summary }
        return ""
    }
}

import FerryCore
import FerryTestSupport
import Foundation
@testable import NpmMirrorSource

/// One real package version packed with `npm pack`: its manifest and its tarball.
struct PackedVersion: Sendable {
    var name: String
    var version: String
    var manifest: [String: JSONValue]
    var tarball: URL

    /// The registry's file name for it (`fs-3.1.1.tgz` for `@npmcli/fs`).
    var fileName: String { "\(name.split(separator: "/").last!)-\(version).tgz" }
}

/// Real tarballs for the tests, packed from the packages bundled inside the installed npm
/// (`/usr/lib/node_modules/npm/node_modules`), whose dependency graphs are real: `tar` pulls in
/// two majors of `minipass`, `@npmcli/fs` is scoped. Packed once per test run.
enum PackedPackages {
    static let bundled = URL(fileURLWithPath: "/usr/lib/node_modules/npm/node_modules")
    /// `tar` (8 versions: chownr, fs-minipass, minipass 3 and 5, minizlib, mkdirp, yallist),
    /// `npm-package-arg` (hosted-git-info, lru-cache, proc-log, semver, validate-npm-package-name)
    /// and the scoped `@npmcli/fs`.
    static let roots = ["tar", "npm-package-arg", "@npmcli/fs"]

    private static let cache = Cache()

    static func shared() async throws -> [PackedVersion] {
        try await cache.get { try await pack(closure(of: roots), into: sharedFolder()) }
    }

    /// Keeps the one packing task: callers that arrive while it runs await the same task (an
    /// actor awaiting inside `get` would let a second caller start packing into the same folder).
    private actor Cache {
        var task: Task<[PackedVersion], any Error>?
        func get(_ make: @escaping @Sendable () async throws -> [PackedVersion]) async throws -> [PackedVersion] {
            if let task { return try await task.value }
            let started = Task { try await make() }
            task = started
            return try await started.value
        }
    }

    private static func sharedFolder() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ferry-npm-packed-\(ProcessInfo.processInfo.processIdentifier)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    /// The folders of `roots` and of everything they depend on, resolved the way Node does
    /// (the nearest `node_modules/<dep>` walking up), one folder per name@version.
    static func closure(of roots: [String]) throws -> [URL] {
        var seen: [String: URL] = [:]
        func resolve(_ name: String, from dir: URL) -> URL? {
            var current = dir
            while current.path.hasPrefix(bundled.path) {
                let candidate = current.appendingPathComponent("node_modules").appendingPathComponent(name)
                if FileManager.default.fileExists(atPath: candidate.appendingPathComponent("package.json").path) { return candidate }
                current.deleteLastPathComponent()
            }
            let top = bundled.appendingPathComponent(name)
            return FileManager.default.fileExists(atPath: top.path) ? top : nil
        }
        func walk(_ dir: URL) throws {
            let manifest = try manifest(dir)
            let key = "\(manifest["name"]?.stringValue ?? "")@\(manifest["version"]?.stringValue ?? "")"
            guard seen[key] == nil else { return }
            seen[key] = dir
            for dep in (manifest["dependencies"]?.objectValue ?? [:]).keys.sorted() {
                if let found = resolve(dep, from: dir) { try walk(found) }
            }
        }
        for root in roots { try walk(bundled.appendingPathComponent(root)) }
        return seen.keys.sorted().map { seen[$0]! }
    }

    static func manifest(_ dir: URL) throws -> [String: JSONValue] {
        try JSONDecoder().decode(JSONValue.self, from: Data(contentsOf: dir.appendingPathComponent("package.json"))).objectValue ?? [:]
    }

    /// Runs the real `npm pack` over copies of package folders. npm runs a folder's `prepare`
    /// script even with `--ignore-scripts` (lru-cache's needs `tshy`), so the copies leave the
    /// packing lifecycle scripts out of their package.json; nothing else changes.
    /// Async, with the processes on threads of their own: `npm pack` takes seconds, and a test
    /// blocking one of the two pool threads that long starved other tests' servers.
    static func pack(_ dirs: [URL], into output: URL) async throws -> [PackedVersion] {
        let sources = output.appendingPathComponent("sources-\(UUID().uuidString.prefix(6))")
        var copies: [URL] = []
        for (i, dir) in dirs.enumerated() {
            let copy = sources.appendingPathComponent("\(i)")
            try FileManager.default.createDirectory(at: sources, withIntermediateDirectories: true)
            try await Shell.output(["cp", "-R", dir.path, copy.path])
            try? FileManager.default.removeItem(at: copy.appendingPathComponent("node_modules"))
            let file = copy.appendingPathComponent("package.json")
            var manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [String: Any] ?? [:]
            if var scripts = manifest["scripts"] as? [String: Any] {
                for hook in ["prepare", "prepack", "postpack", "prepublish", "prepublishOnly"] { scripts[hook] = nil }
                manifest["scripts"] = scripts
            }
            try JSONSerialization.data(withJSONObject: manifest, options: [.prettyPrinted, .sortedKeys]).write(to: file)
            copies.append(copy)
        }
        try await Shell.output(["npm_config_cache=\(output.path)/.npm-cache", "npm", "pack", "--ignore-scripts", "--loglevel=error",
                       "--pack-destination", output.path] + copies.map(\.path))
        defer { try? FileManager.default.removeItem(at: sources) }
        return try copies.map { dir in
            let manifest = try manifest(dir)
            let name = manifest["name"]!.stringValue!
            let version = manifest["version"]!.stringValue!
            let packed = output.appendingPathComponent("\(name.replacingOccurrences(of: "@", with: "").replacingOccurrences(of: "/", with: "-"))-\(version).tgz")
            return PackedVersion(name: name, version: version, manifest: manifest, tarball: packed)
        }
    }

    /// A made-up package (`ferry-demo@1.1.0` depending on `yallist@^4`), packed for real, so a
    /// test can "publish" a new version upstream.
    /// `fields` join the manifest (`os`, `cpu`, `optionalDependencies`), `code` is its index.js.
    static func made(
        _ name: String, _ version: String, dependencies: [String: String] = [:], fields: [String: JSONValue] = [:], code: String? = nil, in folder: URL
    ) async throws -> PackedVersion {
        let dir = folder.appendingPathComponent("src-\(name.replacingOccurrences(of: "/", with: "-"))-\(version)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let manifest: JSONValue = .object([
            "name": .string(name), "version": .string(version), "main": .string("index.js"), "license": .string("MIT"),
            "dependencies": .object(dependencies.mapValues(JSONValue.string)),
        ].merging(fields) { _, new in new })
        try manifest.canonicalData().write(to: dir.appendingPathComponent("package.json"))
        try Data((code ?? "module.exports = \"\(name)@\(version)\";\n").utf8).write(to: dir.appendingPathComponent("index.js"))
        return try await pack([dir], into: folder)[0]
    }
}

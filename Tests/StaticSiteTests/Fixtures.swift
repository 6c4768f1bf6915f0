import Crypto
import FerryCore
import Foundation
@testable import StaticSiteSource

/// Small helpers shared by the test suites.
enum Fixtures {
    /// A file repository that does not exist, under the temp folder test contexts allow.
    static let nowhere = "file://\(FileManager.default.temporaryDirectory.standardizedFileURL.path)/ferry-nowhere-\(UUID().uuidString)"

    static func config(_ repo: String, branch: String? = nil, folder: String? = nil, markdown: Bool? = nil, tokenEnv: String? = nil) -> JSONValue {
        var members: [String: JSONValue] = ["repo": .string(repo)]
        if let branch { members["branch"] = .string(branch) }
        if let folder { members["folder"] = .string(folder) }
        if let markdown { members["markdown"] = .bool(markdown) }
        if let tokenEnv { members["tokenEnv"] = .string(tokenEnv) }
        return .object(members)
    }

    /// Every path below `root` that is a regular file or a symlink, relative and sorted.
    static func listing(_ root: URL) throws -> [String] {
        var out: [String] = []
        func walk(_ dir: URL, _ prefix: String) throws {
            for name in try FileManager.default.contentsOfDirectory(atPath: dir.path) {
                let url = dir.appendingPathComponent(name)
                let type = try FileManager.default.attributesOfItem(atPath: url.path)[.type] as? FileAttributeType
                if type == .typeDirectory { try walk(url, prefix + name + "/") } else { out.append(prefix + name) }
            }
        }
        try walk(root, "")
        return out.sorted()
    }

    static func read(_ root: URL, _ path: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
    }

    static func sha256(_ data: Data) -> String {
        SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }

    /// A live build made the way the engine makes one: files on disk plus a manifest of them.
    /// `extraManifest` lists paths that are in the manifest but are not regular files (tampering).
    static func liveBuild(_ files: [String: String], in parent: URL, extraManifest: [String] = []) throws -> LiveBuild {
        let directory = parent.appendingPathComponent("build", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var entries: [BuildManifest.File] = []
        for (path, content) in files {
            let data = Data(content.utf8)
            let url = URL(fileURLWithPath: LiveBuild.objectPath(sha256(data), in: directory.path))
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try data.write(to: url)
            entries.append(.init(path: path, size: Int64(data.count), sha256: sha256(data)))
        }
        for path in extraManifest {
            entries.append(.init(path: path, size: 1, sha256: String(repeating: "0", count: 64)))
        }
        let manifest = BuildManifest(
            buildID: "b1", workload: "docs", revision: .git(branch: "main", commit: String(repeating: "a", count: 40)),
            createdAt: "2025-01-01T00:00:00Z", files: entries.sorted { $0.path < $1.path })
        // As the engine's: an object is served only while it still hashes to its name.
        return LiveBuild(id: "b1", objects: directory, manifest: manifest) { entry in
            FileManager.default.contents(atPath: LiveBuild.objectPath(entry.sha256, in: directory.path)).map(sha256) == entry.sha256
        }
    }
}

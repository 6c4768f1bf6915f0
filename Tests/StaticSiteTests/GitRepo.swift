import Foundation

/// A real git repository in a temp dir, for tests that fetch from it over `file://`.
final class GitRepo: @unchecked Sendable {
    let directory: URL

    var url: String { directory.absoluteURL.absoluteString }

    init() async throws {
        directory = try TempDir.make("repo")
        try await git("init", "-q", "-b", "main")
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    @discardableResult
    func git(_ arguments: String...) async throws -> String {
        try await Shell.check(["git", "-c", "user.name=t", "-c", "user.email=t@t", "-c", "commit.gpgsign=false"] + arguments, in: directory)
    }

    /// Writes files (path → content), creating folders as needed.
    func write(_ files: [String: String]) throws {
        for (path, content) in files {
            let url = directory.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(content.utf8).write(to: url)
        }
    }

    func symlink(_ path: String, to target: String) throws {
        let url = directory.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: url.path, withDestinationPath: target)
    }

    func remove(_ path: String) throws {
        try FileManager.default.removeItem(at: directory.appendingPathComponent(path))
    }

    /// Stages everything and commits; returns the new commit id.
    @discardableResult
    func commit(_ files: [String: String] = [:], message: String = "change") async throws -> String {
        try write(files)
        try await git("add", "-A")
        try await git("commit", "-q", "--allow-empty", "-m", message)
        return try await git("rev-parse", "HEAD")
    }
}

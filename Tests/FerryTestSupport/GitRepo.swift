import FerryEngine
import Foundation

/// Helpers shared by the test targets that need real git repositories and temp folders.

/// A real git repository in a temp folder, for sources to fetch from over `file://`.
public struct GitRepo: Sendable {
    public let directory: URL
    public var url: String { "file://\(directory.path)" }

    /// An existing repository (a bare one standing for a git host), used only for its URL.
    public init(existing directory: URL) {
        self.directory = directory
    }

    public init(in parent: URL, name: String = "site") throws {
        directory = parent.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try git("init", "-q", "-b", "main")
    }

    /// Writes the files (path → content), commits them, and returns the new commit.
    @discardableResult
    public func commit(_ files: [String: String], message: String = "change") throws -> String {
        for (path, content) in files {
            let url = directory.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(content.utf8).write(to: url)
        }
        try git("add", "-A")
        try git("-c", "user.name=Test", "-c", "user.email=test@localhost", "commit", "-q", "--allow-empty", "-m", message)
        return try git("rev-parse", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @discardableResult
    public func git(_ arguments: String...) throws -> String {
        try Shell.run(["git"] + arguments, in: directory)
    }
}

public enum Shell {
    @discardableResult
    public static func run(_ arguments: [String], in directory: URL? = nil) throws -> String {
        // Not Foundation's Process: its run() crashes now and then on Linux (see ChildProcess).
        let result = try ChildProcess.run(arguments, in: directory?.path, environment: ProcessInfo.processInfo.environment)
        let text = String(decoding: result.stdout + result.stderr, as: UTF8.self)
        guard result.status == 0 else {
            throw ShellError(message: "\(arguments.joined(separator: " ")) failed: \(text)")
        }
        return text
    }

    /// `run` on a thread of its own, for a test that waits on a client (curl) talking to a
    /// server in the same process: blocking a task's thread could starve the server of the
    /// few cooperative threads there are, and both would wait forever.
    @discardableResult
    public static func output(_ arguments: [String], in directory: URL? = nil) async throws -> String {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try run(arguments, in: directory) }) }.start()
        }
    }

    public struct ShellError: Error, CustomStringConvertible {
        let message: String
        public var description: String { message }
    }
}

/// A temp folder removed when the test ends.
public final class TempDir: @unchecked Sendable {
    public let url: URL
    public init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("ferry-test-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(at: url) }
}

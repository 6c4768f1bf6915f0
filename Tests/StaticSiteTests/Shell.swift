import FerryCore
import Foundation

/// Runs programs for the tests and for `TestSourceContext`, capturing output through files so a
/// chatty command can never fill a pipe and hang.
enum Shell {
    static func run(_ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:]) async throws -> CommandOutput {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        if let directory { process.currentDirectoryURL = directory }
        let outDir = try TempDir.make("out")
        defer { try? FileManager.default.removeItem(at: outDir) }
        let outURL = outDir.appendingPathComponent("stdout"), errURL = outDir.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do { try process.run() } catch { continuation.resume(throwing: error) }
        }
        try out.close()
        try err.close()
        return CommandOutput(
            status: status,
            stdout: String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
            stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
    }

    /// Runs a command that must succeed and returns its trimmed stdout.
    @discardableResult
    static func check(_ arguments: [String], in directory: URL? = nil) async throws -> String {
        let output = try await run(arguments, in: directory)
        guard output.status == 0 else {
            throw FerryError(.failed, "\(arguments.joined(separator: " ")) failed: \(output.stderr)")
        }
        return output.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

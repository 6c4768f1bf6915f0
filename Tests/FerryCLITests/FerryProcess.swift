import FerryTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The real `ferry` binary, run as a person runs it: a `serve` process on a loopback port and
/// CLI commands against it.
final class FerryProcess: @unchecked Sendable {
    let dataDirectory: URL
    let port: Int
    private var process: Process?
    /// The server's `auth.mode`: none (loopback) unless a test is about tokens.
    var authMode = "none"
    /// More lines for the server's config file.
    var extraConfig = ""
    /// What the server wrote to stderr until it was listening.
    private(set) var startupLog = ""
    var server: String { "http://127.0.0.1:\(port)" }

    /// The `ferry` executable next to the test bundle (SwiftPM builds it for this test target).
    static var binary: URL {
        if let override = ProcessInfo.processInfo.environment["FERRY_BIN"] { return URL(fileURLWithPath: override) }
        return URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("ferry")
    }

    init(dataDirectory: URL) throws {
        self.dataDirectory = dataDirectory
        self.port = try Self.freePort()
    }

    /// Starts `ferry serve` and returns once it says it is listening. Its config allows git
    /// repositories under the data directory's parent, where the tests make theirs.
    func start() throws {
        let testFolder = dataDirectory.deletingLastPathComponent()
        let config = testFolder.appendingPathComponent("ferry-serve.yaml")
        try Data("auth: { mode: \(authMode) }\ngit: { fileRoots: [\"\(testFolder.standardizedFileURL.path)\"] }\n\(extraConfig)".utf8).write(to: config)
        let p = Process()
        p.executableURL = Self.binary
        p.arguments = ["serve", "--config", config.path, "--data", dataDirectory.path, "--listen", "127.0.0.1:\(port)"]
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        process = p
        var seen = ""
        while !seen.contains("listening on") {
            let chunk = err.fileHandleForReading.availableData
            if chunk.isEmpty { throw CLIError("ferry serve exited before listening: \(seen)") }
            seen += String(decoding: chunk, as: UTF8.self)
        }
        startupLog = seen
        // Keep draining the server's log so it never blocks on a full pipe.
        DispatchQueue.global().async {
            while !err.fileHandleForReading.availableData.isEmpty {}
        }
    }

    /// Ends the server with SIGKILL: no graceful shutdown, as in a power cut.
    func kill() {
        guard let p = process else { return }
        Glibc.kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        process = nil
    }

    func stop() {
        guard let p = process, p.isRunning else { return }
        p.terminate()
        p.waitUntilExit()
        process = nil
    }

    deinit { stop() }

    /// Runs a CLI verb against this server and returns its exit status and output.
    @discardableResult
    func cli(_ arguments: String...) throws -> CLIResult {
        try Self.run(arguments + ["--server", server])
    }

    static func run(_ arguments: [String], stdin: String? = nil, environment: [String: String] = [:]) throws -> CLIResult {
        try runTool(binary.path, arguments, stdin: stdin, environment: environment)
    }

    /// Any program, with both pipes drained (the CLI itself, or `script` around it).
    static func runTool(_ path: String, _ arguments: [String], stdin: String? = nil, environment: [String: String] = [:]) throws -> CLIResult {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = arguments
        if !environment.isEmpty { p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        if let stdin {
            let input = Pipe()
            p.standardInput = input
            try p.run()
            input.fileHandleForWriting.write(Data(stdin.utf8))
            try input.fileHandleForWriting.close()
        } else {
            p.standardInput = FileHandle.nullDevice
            try p.run()
        }
        // Read both pipes at once so neither can fill up and stall the child.
        // (A GCD thread, not a task: tests block here, and must not hold the cooperative pool.)
        let stderrBox = DataBox()
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) { stderrBox.data = err.fileHandleForReading.readDataToEndOfFile() }
        let stdoutText = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        let stderrText = stderrBox.data
        p.waitUntilExit()
        return CLIResult(
            status: p.terminationStatus, stdout: String(decoding: stdoutText, as: UTF8.self),
            stderr: String(decoding: stderrText, as: UTF8.self))
    }

    private static func freePort() throws -> Int { try LoopbackPort.free() }
}

struct CLIResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Carries bytes from the reading thread; the group's wait orders the write before the read.
private final class DataBox: @unchecked Sendable {
    var data = Data()
}

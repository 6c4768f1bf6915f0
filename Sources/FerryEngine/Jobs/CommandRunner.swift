import FerryCore
import Foundation
import Synchronization

/// Runs external programs (git, composer, npm) for jobs: output lines go to the job log as they
/// come, the process is terminated when the job is cancelled, and a non-zero exit becomes a
/// `FerryError(.failed)` that quotes the last lines of its output.
///
/// A child gets a minimal environment, never the server's own: `PATH`, `HOME`, `LANG`, `LC_ALL`
/// and `TMPDIR` as the server has them, plus what the caller passes (the job's own settings,
/// such as `GIT_ALLOW_PROTOCOL` or a token header). So `FERRY_SECRET_KEY`, any other `FERRY_*`
/// setting and whatever else the server was started with stay out of reach of a build script,
/// a git hook or a compromised tool.
public struct CommandRunner: Sendable {
    public var onLine: @Sendable (String) -> Void
    /// Told each child's pid once it runs (jobs record it in their `ChildLedger`).
    public var onStart: @Sendable (pid_t) -> Void = { _ in }
    /// The server's environment the inherited keys are read from (the process's by default).
    let parentEnvironment: [String: String]

    /// The only keys a child inherits from the server.
    public static let inheritedKeys = ["PATH", "HOME", "LANG", "LC_ALL", "TMPDIR"]
    static let defaultPath = "/usr/local/bin:/usr/bin:/bin"

    public init(onLine: @escaping @Sendable (String) -> Void) {
        self.init(onLine: onLine, parentEnvironment: ProcessInfo.processInfo.environment)
    }

    init(onLine: @escaping @Sendable (String) -> Void, parentEnvironment: [String: String]) {
        self.onLine = onLine
        self.parentEnvironment = parentEnvironment
    }

    /// The inherited keys the server has set, with `environment` on top.
    func childEnvironment(_ environment: [String: String]) -> [String: String] {
        var env = parentEnvironment.filter { Self.inheritedKeys.contains($0.key) }
        if env["PATH"] == nil { env["PATH"] = Self.defaultPath }
        env.merge(environment) { _, new in new }
        return env
    }

    public func run(_ arguments: [String], in directory: URL?, environment: [String: String]) async throws -> CommandOutput {
        guard let program = arguments.first else { throw FerryError(.internal, "empty command") }
        let child: ChildProcess
        do {
            child = try ChildProcess.spawn(arguments, in: directory?.path, environment: childEnvironment(environment))
        } catch let error as FerryError {
            throw FerryError(.failed, "cannot start \(program): \(error.message)", cause: error)
        }
        onStart(child.pid)
        // Set once the child is reaped: cancelling after that must not signal a reused pid.
        let ended = Mutex(false)
        let onLine = self.onLine
        let output: CommandOutput = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                // Threads of their own, not libdispatch's global queue: its pool is capped, and
                // with enough commands at once every worker waited for a pipe drain that had no
                // worker left to run on (every job and test then hung).
                Thread {
                    let stdout = LineCollector(onLine: onLine), stderr = LineCollector(onLine: onLine)
                    let stderrDone = DispatchSemaphore(value: 0)
                    Thread {
                        stderr.drain(child.stderr)
                        stderrDone.signal()
                    }.start()
                    stdout.drain(child.stdout)
                    stderrDone.wait()
                    child.waitUntilEnded()
                    ended.withLock { $0 = true }
                    let status = child.wait()
                    continuation.resume(returning: CommandOutput(status: status, stdout: stdout.text, stderr: stderr.text))
                }.start()
            }
        } onCancel: {
            ended.withLock { ended in if !ended { ProcessTree.terminate(child.pid) } }
        }
        try Task.checkCancellation()
        guard output.status == 0 else {
            let tail = (output.stderr.isEmpty ? output.stdout : output.stderr)
                .split(separator: "\n").suffix(3).joined(separator: " / ")
            throw FerryError(.failed, "\(program) exited with status \(output.status)\(tail.isEmpty ? "" : ": \(tail)")")
        }
        return output
    }
}

/// Reads a pipe to its end, passing each line on and keeping the text (bounded) for the caller.
private final class LineCollector: @unchecked Sendable {
    private let onLine: @Sendable (String) -> Void
    private var buffer = Data()
    private(set) var text = ""
    private static let keep = 4 << 20

    init(onLine: @escaping @Sendable (String) -> Void) { self.onLine = onLine }

    /// Reads the pipe `fd` to its end, then closes it.
    func drain(_ fd: Int32) {
        defer { close(fd) }
        while true {
            let chunk = ChildProcess.readSome(fd)
            if chunk.isEmpty { break }
            buffer.append(chunk)
            while let newline = buffer.firstIndex(of: 0x0A) {
                emit(buffer[buffer.startIndex..<newline])
                buffer.removeSubrange(buffer.startIndex...newline)
            }
        }
        if !buffer.isEmpty { emit(buffer[...]) }
    }

    private func emit(_ bytes: Data) {
        let line = String(decoding: bytes, as: UTF8.self)
        onLine(line)
        if text.utf8.count < Self.keep { text += line + "\n" }
    }
}

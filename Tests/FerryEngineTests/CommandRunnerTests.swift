@testable import FerryEngine
import FerryCore
import Foundation
import Synchronization
import Testing

/// External programs run for jobs: output reaches the log line by line, failures quote their
/// output, and cancelling stops the program together with everything it started.
@Suite struct CommandRunnerTests {
    @Test func linesReachTheLogAndAFailureQuotesTheOutput() async throws {
        let lines = Mutex<[String]>([])
        let runner = CommandRunner(onLine: { line in lines.withLock { $0.append(line) } })
        let ok = try await runner.run(["sh", "-c", "echo one; echo two >&2"], in: nil, environment: [:])
        #expect(ok.status == 0)
        #expect(Set(lines.withLock { $0 }) == ["one", "two"])
        await #expect(throws: FerryError.self) {
            try await runner.run(["sh", "-c", "echo broken >&2; exit 3"], in: nil, environment: [:])
        }
        do {
            _ = try await runner.run(["sh", "-c", "echo broken >&2; exit 3"], in: nil, environment: [:])
        } catch let error as FerryError {
            #expect(error.message.contains("status 3"))
            #expect(error.message.contains("broken"))
        }
    }

    /// A grandchild that keeps the output pipe open (as `git-remote-http` does under `git
    /// fetch`) must not keep a cancelled job waiting: it is stopped with its parent.
    @Test(.timeLimit(.minutes(1))) func cancellingStopsTheProgramAndWhatItStarted() async throws {
        let grandchild = Mutex<pid_t?>(nil)
        let runner = CommandRunner(onLine: { line in
            if let pid = pid_t(line) { grandchild.withLock { $0 = pid } }
        })
        let task = Task { try await runner.run(["sh", "-c", "sleep 300 & echo $!; wait"], in: nil, environment: [:]) }
        var pid: pid_t?
        for _ in 0..<200 where pid == nil {
            try await Task.sleep(for: .milliseconds(25))
            pid = grandchild.withLock { $0 }
        }
        let started = try #require(pid, "the command never printed its child's pid")
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
        var alive = true
        for _ in 0..<100 where alive {
            alive = kill(started, 0) == 0 && !Self.isZombie(started)
            if alive { try await Task.sleep(for: .milliseconds(20)) }
        }
        #expect(!alive, "the grandchild \(started) outlived the cancelled command")
    }

    static func isZombie(_ pid: pid_t) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let close = stat.lastIndex(of: ")") else { return true }
        return stat[stat.index(after: close)...].split(separator: " ").first == "Z"
    }
}

/// What a child process sees of the server's environment: only PATH, HOME, LANG, LC_ALL and
/// TMPDIR, plus what the job passes.
@Suite struct CommandEnvironmentTests {
    static func variables(_ output: CommandOutput) -> [String: String] {
        var out: [String: String] = [:]
        for line in output.stdout.split(separator: "\n") {
            guard let eq = line.firstIndex(of: "=") else { continue }
            out[String(line[..<eq])] = String(line[line.index(after: eq)...])
        }
        return out
    }

    @Test func aChildSeesNoServerSecretAndOnlyTheMinimalEnvironment() async throws {
        let parent = [
            "FERRY_SECRET_KEY": "k3y-of-the-server", "FERRY_SERVER": "http://127.0.0.1:8080", "AWS_SECRET_ACCESS_KEY": "aws",
            "PATH": "/usr/bin:/bin", "HOME": "/home/ferry", "LANG": "C.UTF-8", "TMPDIR": "/tmp",
        ]
        let runner = CommandRunner(onLine: { _ in }, parentEnvironment: parent)
        let seen = Self.variables(try await runner.run(["env"], in: nil, environment: ["GIT_TERMINAL_PROMPT": "0"]))
        #expect(seen["FERRY_SECRET_KEY"] == nil)
        #expect(seen.keys.filter { $0.hasPrefix("FERRY_") }.isEmpty)
        #expect(seen["AWS_SECRET_ACCESS_KEY"] == nil)
        #expect(seen["PATH"] == "/usr/bin:/bin")
        #expect(seen["HOME"] == "/home/ferry")
        #expect(seen["LANG"] == "C.UTF-8")
        #expect(seen["TMPDIR"] == "/tmp")
        #expect(seen["GIT_TERMINAL_PROMPT"] == "0")
    }

    /// Through the real process environment, as the engine runs it. The variable set here has a
    /// name of its own: setting FERRY_SECRET_KEY itself would change the key of every engine
    /// other tests start in this process at the same moment.
    @Test func aVariableSetInTheServerProcessDoesNotReachTheChild() async throws {
        let name = "FERRY_TEST_SECRET_\(UInt32.random(in: 0...UInt32.max))"
        setenv(name, "must-not-leak", 1)
        defer { unsetenv(name) }
        #expect(ProcessInfo.processInfo.environment[name] == "must-not-leak")
        let seen = Self.variables(try await CommandRunner(onLine: { _ in }).run(["env"], in: nil, environment: ["JOB_OWN": "yes"]))
        #expect(seen[name] == nil)
        #expect(seen["JOB_OWN"] == "yes")
        #expect(Set(seen.keys).isSubset(of: Set(CommandRunner.inheritedKeys + ["JOB_OWN"])), "\(seen.keys.sorted())")
        #expect(seen["PATH"] != nil)
    }
}

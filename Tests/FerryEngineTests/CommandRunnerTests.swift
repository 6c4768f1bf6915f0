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

import CSpawn
import FerryCore
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A program started with `posix_spawn`: its pid and the read ends of its output pipes.
///
/// Not Foundation's `Process`: on Linux its `run()` reads `/proc/self/fd` with a 256-byte copy
/// of each directory entry and crashes now and then when an entry ends a page
/// (swift-corelibs-foundation PR 5472) — the more descriptors the server has open (every
/// connection is one), the likelier. Spawning directly also gives the child a clean signal
/// mask and default handlers (a thread's blocked signals would otherwise be inherited, and a
/// shell blocking SIGTERM could not be cancelled), and closes every descriptor but its three.
/// Like `Process`, each child leads a process group of its own.
public struct ChildProcess: Sendable {
    public let pid: pid_t
    /// Read ends, closed by whoever reads them; -1 when the stream goes to /dev/null.
    public let stdout: Int32
    public let stderr: Int32

    /// Runs `arguments` through `/usr/bin/env` (so `PATH` of `environment` finds the program)
    /// in `directory`, stdin from /dev/null.
    public static func spawn(_ arguments: [String], in directory: String?, environment: [String: String], captureStdout: Bool = true) throws -> ChildProcess {
        var outPipe: [Int32] = [-1, -1], errPipe: [Int32] = [-1, -1]
        if captureStdout {
            let code = ferry_pipe_cloexec(&outPipe)
            guard code == 0 else { throw spawnError(arguments, code) }
        }
        let code = ferry_pipe_cloexec(&errPipe)
        guard code == 0 else {
            for fd in outPipe where fd >= 0 { close(fd) }
            throw spawnError(arguments, code)
        }
        defer {
            if outPipe[1] >= 0 { close(outPipe[1]) }
            close(errPipe[1])
        }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        if captureStdout {
            posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
        } else {
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        }
        posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)
        ferry_spawn_closefrom(&actions, 3)
        if let directory { ferry_spawn_chdir(&actions, directory) }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t(), all = sigset_t()
        sigemptyset(&none)
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        // The leader of a process group of its own: cancelling and recovery (`ChildLedger`) end
        // the whole group, helpers included.
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP))

        let argv = (["/usr/bin/env"] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for p in argv { free(p) }
            for p in envp { free(p) }
        }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, "/usr/bin/env", &actions, &attributes, argv, envp)
        guard status == 0 else {
            for fd in [outPipe[0], errPipe[0]] where fd >= 0 { close(fd) }
            throw spawnError(arguments, status)
        }
        return ChildProcess(pid: pid, stdout: outPipe[0], stderr: errPipe[0])
    }

    /// Blocks until the child has ended, without reaping it: until `wait()`, its pid stays
    /// taken (a zombie), so a signal sent meanwhile cannot reach another process.
    public func waitUntilEnded() {
        var info = siginfo_t()
        while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) < 0 {
            if errno != EINTR { return }
        }
    }

    /// Reaps the child (waiting for it first if need be): its exit status, or 128 + the signal
    /// that ended it, as a shell reports it.
    public func wait() -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            if errno != EINTR { return -1 }
        }
        let signal = status & 0x7F
        return signal == 0 ? (status >> 8) & 0xFF : 128 + signal
    }

    /// Runs a program to its end and returns its status and both outputs (read at once, stderr
    /// on a thread of its own, so neither pipe fills while the other is read). Blocks.
    public static func run(_ arguments: [String], in directory: String? = nil, environment: [String: String]) throws
        -> (status: Int32, stdout: Data, stderr: Data)
    {
        let child = try spawn(arguments, in: directory, environment: environment)
        let errors = Mutex(Data())
        let done = DispatchSemaphore(value: 0)
        Thread {
            let data = readAll(child.stderr)
            errors.withLock { $0 = data }
            done.signal()
        }.start()
        let output = readAll(child.stdout)
        done.wait()
        return (child.wait(), output, errors.withLock { $0 })
    }

    /// What the pipe `fd` has now (up to 64 KiB, waiting for some), empty at its end or on an
    /// error; a read a signal interrupts is retried. Not `FileHandle`: its reads are `try!` and
    /// stop the process on EINTR, which a child's SIGCHLD can cause.
    public static func readSome(_ fd: Int32) -> Data {
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            let got = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if got >= 0 { return Data(buffer[..<got]) }
            if errno != EINTR { return Data() }
        }
    }

    /// Reads the pipe `fd` to its end and closes it.
    public static func readAll(_ fd: Int32) -> Data {
        defer { close(fd) }
        var all = Data()
        while true {
            let chunk = readSome(fd)
            if chunk.isEmpty { return all }
            all.append(chunk)
        }
    }

    private static func spawnError(_ arguments: [String], _ code: Int32) -> FerryError {
        FerryError(.failed, "cannot start \(arguments.first ?? "a program"): \(String(cString: strerror(code)))")
    }
}

import Foundation

/// The process groups a job's commands started, written to `tmp/<job>/children` as they start.
///
/// A SIGKILLed server cannot stop its children: `git fetch` and its helpers are reparented and go
/// on writing into the job's scratch folder after recovery removed it. Foundation starts each
/// child as the leader of its own process group, so recording the leader's pid and start time is
/// enough for recovery to kill the whole group, and the start time tells a reused pid apart.
struct ChildLedger: Sendable {
    static let fileName = "children"
    let file: URL

    /// Appends one started child. Best effort: a ledger that cannot be written costs only the
    /// clean-up after a crash, never the job.
    func record(_ pid: pid_t) {
        guard let start = Self.startTime(of: pid) else { return }
        let line = Data("\(pid) \(start)\n".utf8)
        if let handle = try? FileHandle(forWritingTo: file) {
            defer { try? handle.close() }
            _ = try? handle.seekToEnd()
            try? handle.write(contentsOf: line)
        } else {
            try? line.write(to: file)
        }
    }

    /// SIGKILLs every recorded group still alive: all processes whose group is a recorded leader,
    /// unless that pid now belongs to a newer process (then the group is not ours). Returns how
    /// many processes it killed.
    @discardableResult
    func killSurvivors() -> Int {
        guard let text = try? String(contentsOf: file, encoding: .utf8) else { return 0 }
        var killed = 0
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: " ")
            guard parts.count == 2, let pid = pid_t(parts[0]), pid > 1, let start = UInt64(parts[1]) else { continue }
            if let now = Self.startTime(of: pid), now != start { continue }
            for member in Self.members(ofGroup: pid) where kill(member, SIGKILL) == 0 { killed += 1 }
        }
        return killed
    }

    /// Field 22 of `/proc/<pid>/stat`: clock ticks after boot the process started.
    static func startTime(of pid: pid_t) -> UInt64? {
        stat(of: pid).flatMap { $0.count > 19 ? UInt64($0[19]) : nil }
    }

    /// Every live process whose process group is `group` (zombies are already dead).
    static func members(ofGroup group: pid_t) -> [pid_t] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { entry in
            guard let pid = pid_t(entry), let fields = stat(of: pid), fields.count > 2, fields[0] != "Z", pid_t(fields[2]) == group
            else { return nil }
            return pid
        }
    }

    /// The fields of `/proc/<pid>/stat` after "pid (comm)": state, ppid, pgrp, …
    private static func stat(of pid: pid_t) -> [Substring]? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let close = text.lastIndex(of: ")") else {
            return nil
        }
        return text[text.index(after: close)...].split(separator: " ")
    }
}

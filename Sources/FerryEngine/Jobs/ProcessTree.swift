import Foundation

/// The processes a command started, found through `/proc`, so cancelling a job stops them all:
/// `git fetch` runs `git-remote-http`, which holds the output pipes open and would otherwise
/// keep the job waiting long after `git` itself was stopped.
enum ProcessTree {
    /// Every live descendant of `pid`, children before grandchildren.
    static func descendants(of pid: pid_t) -> [pid_t] {
        var parentOf: [pid_t: pid_t] = [:]
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        for entry in entries {
            guard let child = pid_t(entry),
                let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")")
            else { continue }
            // After "pid (comm) " come the state and then the parent's pid.
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            if fields.count > 1, let parent = pid_t(fields[1]) { parentOf[child] = parent }
        }
        var found: [pid_t] = []
        var frontier = [pid]
        while !frontier.isEmpty {
            let next = parentOf.filter { frontier.contains($0.value) }.map(\.key).sorted()
            found += next
            frontier = next
        }
        return found
    }

    /// Sends SIGTERM to a process and everything it started, then SIGKILL to whatever is still
    /// there after `grace`: a program spawned from a dispatch thread inherits its blocked signal
    /// mask, and a shell blocking SIGTERM would otherwise wait on forever.
    static func terminate(_ pid: pid_t, grace: DispatchTimeInterval = .seconds(2)) {
        let all = [pid] + descendants(of: pid)
        for p in all { kill(p, SIGTERM) }
        DispatchQueue.global().asyncAfter(deadline: .now() + grace) {
            for p in all where kill(p, 0) == 0 { kill(p, SIGKILL) }
        }
    }
}

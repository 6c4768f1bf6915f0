import FerryCore
import Foundation

/// Applies a binding's rules to lines, keeps their match windows, and fires through the context.
struct LogScanner {
    static let cursors = "log-scan.cursors"
    static let windowsCollection = "log-scan.windows"

    let config: LogScanConfig
    let context: any WatchContext
    private var windows: [String: MatchWindow] = [:]
    /// Lines each rule gave up on (work budget) since the last `takeNotes()`.
    private var overBudget: [String: Int] = [:]

    init(config: LogScanConfig, context: any WatchContext) {
        self.config = config
        self.context = context
    }

    mutating func loadWindows() throws {
        for record in try context.records.all(Self.windowsCollection) {
            windows[record.key] = try record.decode(MatchWindow.self)
        }
    }

    /// Counts a line against every rule; fires or records what the windows decide. A backlog
    /// line (already in a file seen for the first time) counts only with its own timestamp.
    mutating func consider(_ line: String, origin: String, causes: [String], backlog: Bool) async throws {
        let now = context.now
        for rule in config.rules {
            let captures: [String: String]
            switch rule.match(line, budget: config.matchBudget) {
            case .captures(let found): captures = found
            case .none: continue
            case .overBudget:
                overBudget[rule.name, default: 0] += 1
                continue
            }
            guard let at = LineTimestamp.find(in: line) ?? (backlog ? nil : now) else { continue }
            let key = "\(rule.name)|\(rule.key(captures))"
            var window = windows[key] ?? MatchWindow()
            let verdict = window.add(at, now: now, rule: rule)
            windows[key] = window
            try context.records.put(Self.windowsCollection, RecordWrite(key: key, value: window))
            let payload: JSONValue = .object([
                "rule": .string(rule.name), "captures": .object(captures.mapValues(JSONValue.string)),
                "line": .string(String(line.prefix(500))), "source": .string(origin),
            ])
            switch verdict {
            case .counted:
                continue
            case .coolingDown(let until):
                // Noted once per cooldown: when the threshold is reached again, not on every line.
                guard window.matches.count == rule.maxRetry else { continue }
                try await context.record(
                    .ignored, summary: "log-scan \(rule.name): \(rule.key(captures)) reached \(rule.maxRetry) matches again",
                    reason: "cooldown until \(ISO8601DateFormatter().string(from: until))", payload: payload)
            case .fire(let count):
                try await context.fire(WatchFiring(
                    summary: "log-scan \(rule.name): \(count) match(es) of \(rule.key(captures)) in \(origin)",
                    reason: "\(count) of maxRetry \(rule.maxRetry) within \(Int(rule.findTime))s",
                    payload: payload, params: rule.jobParams(captures), causes: causes, action: rule.action))
            }
        }
    }

    /// What the scanner has to say since the last call (rules that ran out of work budget), for
    /// the binding's status.
    mutating func takeNotes() -> [String] {
        defer { overBudget = [:] }
        return overBudget.sorted { $0.key < $1.key }.map { rule, count in
            "rule \(rule) gave up on \(count) line(s): the regex ran out of its work budget (matchBudget \(config.matchBudget))"
        }
    }

    /// Reads the logs of the given workloads' jobs, newest lines as they come, skipping every
    /// job this binding started (directly or through a chain): a rule never reads its own output.
    mutating func followJobLogs(of workloads: [String]) async throws {
        let since = context.now.addingTimeInterval(-(config.rules.map(\.findTime).max() ?? 600))
        var followers: [String: FileFollower] = [:]
        var done: Set<String> = []
        let own = context.binding.id
        while true {
            try Task.checkCancellation()
            for job in try await context.jobs(of: workloads, since: since) where !done.contains(job.id) {
                if job.causeBindings.contains(own) {
                    done.insert(job.id)
                    continue
                }
                let follower = try followers[job.id] ?? FileFollower(
                    path: job.logFile.path, cursor: context.records.value(FollowCursor.self, in: Self.cursors, key: "job:\(job.id)"),
                    maxLineLength: config.maxLineLength)
                followers[job.id] = follower
                let lines = follower.readLines()
                for line in lines { try await consider(line, origin: "job \(job.id) (\(job.workload))", causes: job.causes, backlog: false) }
                let notes = follower.notes + takeNotes()
                if !notes.isEmpty {
                    await context.reportStatus(.object([
                        "state": .string("ok"), "job": .string(job.id), "events": .array(notes.map(JSONValue.string)),
                    ]))
                }
                if let cursor = follower.cursor, !lines.isEmpty {
                    try context.records.put(Self.cursors, RecordWrite(key: "job:\(job.id)", value: cursor))
                }
                if job.finished && lines.isEmpty {
                    done.insert(job.id)
                    followers[job.id] = nil
                }
            }
            try await context.sleep(until: context.now.addingTimeInterval(config.pollInterval))
        }
    }
}

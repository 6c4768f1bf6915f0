import FerryCore
import Foundation

/// The `log-scan` trigger: reads a log file like `tail -F`, or the job logs of other
/// workloads, and fires when a rule's regex matched `maxRetry` times for the same captures
/// within `findTime`, with job parameters taken from the captures.
///
/// Cursors (file inode + offset, per-job offsets) and the rules' match windows live in the
/// binding's records, so a restart neither reads a line twice nor forgets recent matches.
/// Loop prevention: job logs of jobs this binding started, directly or through a cause chain,
/// are never read; events carry the job's cause chain, so the engine refuses any cycle left.
/// At start-up, lines whose own timestamp is older than `findTime` do not count, and lines
/// already in a file seen for the first time count only when they carry a timestamp.
public struct LogScanTrigger: WatchTrigger {
    public static let kind = "log-scan"
    public static let mode = TriggerMode.watch
    public init() {}

    public var schema: ConfigSchema {
        .object([
            .init("file", .string("Absolute path of a log file to follow (survives rotation and truncation)")),
            .init("workloads", .array(.string(), "Workloads whose job logs to read instead of a file")),
            .init("pollInterval", .string("How often to look for new lines", default: "1s", format: .duration)),
            .init("maxLineLength", .integer("Bytes of a line kept for matching; longer lines are cut", default: 65536, minimum: 256, maximum: 16 << 20)),
            .init("matchBudget", .integer("Work one rule may spend on one line, in ICU progress reports of ~10,000 steps; over it the line counts as no match", default: 100, minimum: 1, maximum: 1_000_000)),
            .init("rules", .array(.object([
                .init("name", .string("Shown in events; defaults to rule<N>")),
                .init("regex", .string("Regular expression with named captures, (?<package>…)")),
                .init("maxRetry", .integer("Matches of the same captures that fire the rule", default: 5, minimum: 1, maximum: 100_000)),
                .init("findTime", .string("Window in which maxRetry matches must fall", default: "10m", format: .duration)),
                .init("cooldown", .string("Rest after firing, per captures; defaults to findTime", format: .duration)),
                .init("action", .string("Action to run instead of each target's own")),
                .init("params", .map(.string(), "Job parameters; $name is replaced by the capture")),
            ], required: ["regex"]), "Rules, each with its own threshold")),
        ], required: ["rules"])
    }

    public func validate(config: JSONValue) throws { _ = try LogScanConfig(config) }

    public func watch(_ context: any WatchContext) async throws {
        var scanner = LogScanner(config: try LogScanConfig(context.binding.config), context: context)
        try scanner.loadWindows()
        switch scanner.config.source {
        case .file(let path):
            let stored = try context.records.value(FollowCursor.self, in: LogScanner.cursors, key: "file")
            let follower = FileFollower(path: path, cursor: stored, maxLineLength: scanner.config.maxLineLength)
            var backlog = stored == nil
            while true {
                try Task.checkCancellation()
                let lines = follower.readLines()
                for line in lines { try await scanner.consider(line, origin: path, causes: [], backlog: backlog) }
                backlog = false
                if let cursor = follower.cursor, cursor != stored || !lines.isEmpty {
                    try context.records.put(LogScanner.cursors, RecordWrite(key: "file", value: cursor))
                }
                let notes = follower.notes + scanner.takeNotes()
                if !notes.isEmpty || lines.count > 0 {
                    await context.reportStatus(.object([
                        "state": .string("ok"), "file": .string(path), "offset": .number(Double(follower.cursor?.offset ?? 0)),
                        "events": .array(notes.map(JSONValue.string)),
                    ]))
                }
                try await context.sleep(until: context.now.addingTimeInterval(scanner.config.pollInterval))
            }
        case .jobLogs(let workloads):
            try await scanner.followJobLogs(of: workloads)
        }
    }
}

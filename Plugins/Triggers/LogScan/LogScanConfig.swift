import FerryCore
import Foundation

/// A `log-scan` binding's config: what to read (`file`, or the job logs of `workloads`), how
/// often to look (`pollInterval`, default 1s) and the rules.
struct LogScanConfig: Sendable {
    enum Source: Sendable, Equatable {
        case file(String)
        case jobLogs([String])
    }

    var source: Source
    var pollInterval: TimeInterval
    var rules: [LogRule]
    /// Bytes of one line kept for matching; the rest of a longer line is cut (and said in the
    /// status), so a log without newlines never grows memory.
    var maxLineLength: Int
    /// Work one rule may spend on one line (see `BoundedRegex`); a line over it counts as no match.
    var matchBudget: Int

    static let defaultMaxLineLength = 64 << 10

    init(_ config: JSONValue) throws {
        let file = config["file"]?.stringValue
        let workloads: [String]? = if case .array(let list)? = config["workloads"] { list.compactMap(\.stringValue) } else { nil }
        switch (file, workloads) {
        case (let path?, nil):
            guard path.hasPrefix("/") else { throw FerryError.invalid("config.file", "\"\(path)\" must be an absolute path") }
            source = .file(path)
        case (nil, let names?) where !names.isEmpty:
            source = .jobLogs(names)
        default:
            throw FerryError.invalid("config", "name either file (a log file) or workloads (whose job logs to read), not both")
        }
        pollInterval = 1
        if let text = config["pollInterval"]?.stringValue {
            guard let d = Duration.parse(text), d >= .milliseconds(100) else {
                throw FerryError.invalid("config.pollInterval", "expected a duration of at least 100ms")
            }
            pollInterval = d.inSeconds
        }
        maxLineLength = try config.integerIfPresent(at: "maxLineLength", in: 256...(16 << 20), prefix: "config.") ?? Self.defaultMaxLineLength
        matchBudget = try config.integerIfPresent(at: "matchBudget", in: 1...1_000_000, prefix: "config.") ?? BoundedRegex.defaultBudget
        guard case .array(let list)? = config["rules"], !list.isEmpty else {
            throw FerryError.invalid("config.rules", "list at least one rule: {regex, maxRetry, findTime, params}")
        }
        rules = try list.enumerated().map { i, rule in try LogRule(rule, index: i) }
        let names = rules.map(\.name)
        if let duplicate = names.first(where: { n in names.filter { $0 == n }.count > 1 }) {
            throw FerryError.invalid("config.rules", "two rules are named \(duplicate)")
        }
    }

    static func seconds(_ value: JSONValue?, field: String, default fallback: TimeInterval) throws -> TimeInterval {
        guard let text = value?.stringValue else { return fallback }
        guard let d = Duration.parse(text) else { throw FerryError.invalid(field, "expected a duration like 30s, 10m or 1h") }
        return Double(d.components.seconds)
    }
}

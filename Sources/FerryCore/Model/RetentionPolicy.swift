import Foundation

/// How long one kind of record is kept: older than `maxAge`, or past the newest `keep`, it goes.
/// Either may be absent; with neither, nothing of that kind is removed.
public struct RetentionRule: Sendable, Equatable, CustomStringConvertible {
    public var maxAge: Duration?
    public var keep: Int?

    public init(maxAge: Duration? = nil, keep: Int? = nil) {
        self.maxAge = maxAge
        self.keep = keep
    }

    /// Which of `dates` (newest first) to remove at `now`: their indices, in order.
    public func expired(_ dates: [Date], now: Date) -> [Int] {
        let cutoff = maxAge.map { now.addingTimeInterval(-$0.seconds) }
        return dates.indices.filter { i in
            if let keep, i >= keep { return true }
            if let cutoff, dates[i] < cutoff { return true }
            return false
        }
    }

    /// The moment before which records are too old, when there is an age limit.
    public func cutoff(now: Date) -> Date? { maxAge.map { now.addingTimeInterval(-$0.seconds) } }

    public var description: String {
        [maxAge.map { "older than \($0.seconds / 86_400) days" }, keep.map { "beyond the newest \($0)" }]
            .compactMap { $0 }.joined(separator: " or ")
    }
}

/// What the retention service removes so that nothing in the data dir grows without end. Live
/// builds, queued and running jobs and the newest snapshot (a diff's baseline) are never removed.
public struct RetentionPolicy: Sendable, Equatable {
    /// Events: received deliveries, manual runs, reconciler notes.
    public var events = RetentionRule(maxAge: .seconds(90 * 86_400))
    /// Finished jobs and their logs.
    public var jobs = RetentionRule(maxAge: .seconds(90 * 86_400))
    /// Artifacts (npm diff archives), per workload.
    public var artifacts = RetentionRule(keep: 20)
    /// npm-mirror storage snapshots, per workload; the newest is always kept.
    public var snapshots = RetentionRule(keep: 20)
    /// Tarballs a broken-scan set aside before repairing them.
    public var quarantine = RetentionRule(maxAge: .seconds(30 * 86_400))
    /// Raw install telemetry rows; totals survive, folded into per-package counts.
    public var telemetry = RetentionRule(maxAge: .seconds(400 * 86_400))

    public init() {}

    public static let kinds = ["events", "jobs", "artifacts", "snapshots", "quarantine", "telemetry"]

    public subscript(kind: String) -> RetentionRule? {
        get {
            switch kind {
            case "events": events
            case "jobs": jobs
            case "artifacts": artifacts
            case "snapshots": snapshots
            case "quarantine": quarantine
            case "telemetry": telemetry
            default: nil
            }
        }
        set {
            guard let newValue else { return }
            switch kind {
            case "events": events = newValue
            case "jobs": jobs = newValue
            case "artifacts": artifacts = newValue
            case "snapshots": snapshots = newValue
            case "quarantine": quarantine = newValue
            case "telemetry": telemetry = newValue
            default: break
            }
        }
    }

    /// Reads `retention: { events: { maxAge: 90d }, artifacts: { keep: 20 }, … }` over the defaults.
    /// A kind given replaces its default whole, so `{ keep: 50 }` means no age limit.
    public init(json: JSONValue?, field: String = "retention") throws(FerryError) {
        self.init()
        guard let json, !json.isNull else { return }
        guard case .object(let members) = json else { throw FerryError.invalid(field, "expected an object of retention rules") }
        for (kind, value) in members {
            let path = "\(field).\(kind)"
            guard Self.kinds.contains(kind) else {
                throw FerryError.invalid(path, "unknown kind; expected one of \(Self.kinds.joined(separator: ", "))")
            }
            guard case .object(let rule) = value else { throw FerryError.invalid(path, "expected { maxAge: 90d, keep: 20 }") }
            var parsed = RetentionRule()
            for key in rule.keys where key != "maxAge" && key != "keep" {
                throw FerryError.invalid("\(path).\(key)", "unknown key; expected maxAge or keep")
            }
            if let age = rule["maxAge"], !age.isNull {
                guard case .string(let text) = age, let duration = Duration.parse(text), duration > .zero else {
                    throw FerryError.invalid("\(path).maxAge", "expected a duration such as 90d or 12h")
                }
                parsed.maxAge = duration
            }
            if let keep = try value.integerIfPresent(at: "keep", in: 0...1_000_000, prefix: path + ".") { parsed.keep = keep }
            self[kind] = parsed
        }
    }
}

extension Duration {
    /// Whole and fractional seconds, for date arithmetic.
    public var seconds: TimeInterval {
        let (s, atto) = components
        return TimeInterval(s) + TimeInterval(atto) / 1e18
    }
}

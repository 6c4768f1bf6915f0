import FerryCore
import Foundation

/// The `schedule` trigger: fires its binding's actions at the times a cron expression names.
///
/// One watcher per binding: it reads its cursor (the last slot handled), catches up once or
/// skips what was missed while Ferry was down, then sleeps until each next slot (plus optional
/// jitter) and fires it through the dispatcher with the slot as delivery id, so one slot never
/// runs twice. A firing while the previous job still runs coalesces in the dispatcher.
/// DST behaviour is documented on `CronExpression`.
public struct ScheduleTrigger: WatchTrigger {
    public static let kind = "schedule"
    public static let mode = TriggerMode.watch
    public init() {}

    public var schema: ConfigSchema {
        .object([
            .init("cron", .string("When to fire: five fields (`*/5 * * * *`), @hourly/@daily/@weekly/@monthly/@yearly or `@every 5m`", format: .cron)),
            .init("timezone", .string("IANA time zone the fields are read in", default: "UTC")),
            .init("jitter", .string("Up to this much random delay per firing, to spread load", format: .duration)),
            .init("catchUp", .string("Runs missed while Ferry was down: one run at start-up, or none", default: "once", enum: ["once", "skip"])),
        ], required: ["cron"])
    }

    public func describe(config: JSONValue, now: Date) -> JSONValue {
        do {
            let c = try ScheduleConfig(config)
            return .object([
                "timezone": .string(c.zone.identifier),
                "nextFires": .array(c.cron.upcoming(after: now, count: 3, in: c.zone).map { .string(Self.iso($0)) }),
            ])
        } catch {
            return .object(["error": .string("\(error)")])
        }
    }

    public func validate(config: JSONValue) throws { _ = try ScheduleConfig(config) }

    public func watch(_ context: any WatchContext) async throws {
        let config = try ScheduleConfig(context.binding.config)
        var cursor = try ScheduleCursor.load(context.records)
        if cursor?.schedule != config.identity {
            // A new binding, or a changed schedule: start from now, there is nothing to catch up.
            cursor = ScheduleCursor(schedule: config.identity, lastSlot: context.now)
            try cursor!.save(context.records)
        }
        var lastSlot = cursor!.lastSlot
        var startingUp = true
        var reported = false
        while true {
            try Task.checkCancellation()
            let step = ScheduleStep.decide(config, lastSlot: lastSlot, now: context.now, startingUp: startingUp)
            startingUp = false
            switch step {
            case .wait:
                guard let next = config.cron.next(after: lastSlot, in: config.zone) else {
                    await context.reportStatus(.object(["state": .string("idle"), "reason": .string("the schedule never fires again")]))
                    try await context.sleep(until: .distantFuture)
                    continue
                }
                if !reported { await report(context, config, lastFire: nil) }
                reported = true
                try await context.sleep(until: next.addingTimeInterval(config.jitter > 0 ? .random(in: 0..<config.jitter) : 0))
                continue
            case .fire(let slot):
                try await fire(context, config, slot: slot, reason: "slot \(Self.local(slot, config.zone)) of \"\(config.cron)\"", missed: 0)
                lastSlot = slot
                reported = true
            case .catchUp(let slot, let missed, let truncated):
                let count = "\(missed)\(truncated ? "+" : "")"
                try await fire(
                    context, config, slot: slot,
                    reason: "catch-up: \(count) run(s) of \"\(config.cron)\" missed since \(Self.local(lastSlot, config.zone)); one run (catchUp: once)",
                    missed: missed)
                lastSlot = slot
            case .skip(let last, let missed, let truncated):
                try await context.record(
                    .ignored, summary: "schedule \(config.cron): \(missed)\(truncated ? "+" : "") missed run(s) skipped",
                    reason: "catchUp: skip; missed since \(Self.local(lastSlot, config.zone)), last \(Self.local(last, config.zone))",
                    payload: .object(["missed": .number(Double(missed)), "lastSlot": .string(Self.iso(last))]))
                lastSlot = last
            }
            try ScheduleCursor(schedule: config.identity, lastSlot: lastSlot).save(context.records)
        }
    }

    private func fire(_ context: any WatchContext, _ config: ScheduleConfig, slot: Date, reason: String, missed: Int) async throws {
        let result = try await context.fire(WatchFiring(
            summary: "schedule \(config.cron) at \(Self.local(slot, config.zone))", reason: reason,
            payload: .object([
                "slot": .string(Self.iso(slot)), "cron": .string(config.cron.description), "timezone": .string(config.zone.identifier),
                "missed": .number(Double(missed)),
            ]),
            deliveryID: "slot:\(Self.iso(slot))"))
        await report(context, config, lastFire: (slot, result))
    }

    private func report(_ context: any WatchContext, _ config: ScheduleConfig, lastFire: (Date, WatchFireResult)?) async {
        var status: [String: JSONValue] = ["state": .string("ok")]
        if let (slot, result) = lastFire {
            status["lastSlot"] = .string(Self.iso(slot))
            status["lastOutcome"] = .string(result.event.outcome.rawValue)
            status["lastEvent"] = .string(result.event.id)
        } else if let stored = try? ScheduleCursor.load(context.records) {
            status["lastSlot"] = .string(Self.iso(stored.lastSlot))
        }
        await context.reportStatus(.object(status))
    }

    static func iso(_ date: Date) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        return f.string(from: date)
    }

    /// A slot as people read it: in the schedule's zone, with its offset.
    static func local(_ date: Date, _ zone: TimeZone) -> String {
        let f = ISO8601DateFormatter()
        f.timeZone = zone
        f.formatOptions = [.withInternetDateTime]
        return f.string(from: date)
    }
}

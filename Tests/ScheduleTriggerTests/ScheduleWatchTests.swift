import FerryCore
import Foundation
import PluginTestKit
import Testing
@testable import ScheduleTrigger

/// The watcher against a virtual clock: one firing per slot, a cursor that survives restarts,
/// and catch-up after a downtime (one run, or none with `catchUp: skip`), never a pile-up.
@Suite struct ScheduleWatchTests {
    func context(_ config: [String: String], at start: String, records: MemoryRecords) -> TestWatchContext {
        TestWatchContext(
            kind: "schedule", config: .object(config.mapValues(JSONValue.string)), records: records, clock: VirtualClock(utc(start)))
    }

    /// Runs the watcher while `body` drives the clock, then stops it.
    func watching(_ context: TestWatchContext, _ body: () async throws -> Void) async throws {
        let task = Task { try await ScheduleTrigger().watch(context) }
        defer { task.cancel() }
        try await context.clock.waitForSleepers()
        try await body()
        task.cancel()
        _ = await task.result
    }

    @Test func firesOncePerSlotWithTheSlotAsDeliveryID() async throws {
        let ctx = context(["cron": "*/5 * * * *"], at: "2026-01-01T00:02:00Z", records: MemoryRecords())
        try await watching(ctx) {
            #expect(ctx.fired.isEmpty)
            try await ctx.clock.step()
            try await ctx.clock.step()
        }
        #expect(ctx.fired.map(\.deliveryID) == ["slot:2026-01-01T00:05:00Z", "slot:2026-01-01T00:10:00Z"])
        #expect(ctx.fired.first?.payload["missed"] == .number(0))
        #expect(ctx.clock.now == utc("2026-01-01T00:10:00Z"))
    }

    @Test func aRestartNeitherRepeatsNorLosesASlot() async throws {
        let records = MemoryRecords()
        let first = context(["cron": "*/5 * * * *"], at: "2026-01-01T00:02:00Z", records: records)
        try await watching(first) { try await first.clock.step() }
        #expect(first.fired.count == 1)

        let second = context(["cron": "*/5 * * * *"], at: "2026-01-01T00:06:00Z", records: records)
        try await watching(second) {
            #expect(second.fired.isEmpty, "00:05 was already fired before the restart")
            try await second.clock.step()
        }
        #expect(second.fired.map(\.deliveryID) == ["slot:2026-01-01T00:10:00Z"])
    }

    @Test func catchUpOnceRunsOnceAfterADowntime() async throws {
        let records = MemoryRecords()
        let before = context(["cron": "*/5 * * * *"], at: "2026-01-01T00:02:00Z", records: records)
        try await watching(before) { try await before.clock.step() }

        // Down from 00:05 to 03:07: 36 slots (00:10 … 03:05) were missed.
        let after = context(["cron": "*/5 * * * *"], at: "2026-01-01T03:07:00Z", records: records)
        try await watching(after) {
            #expect(after.fired.count == 1)
            try await after.clock.step()
        }
        #expect(after.fired.map(\.deliveryID) == ["slot:2026-01-01T03:05:00Z", "slot:2026-01-01T03:10:00Z"])
        #expect(after.fired.first?.payload["missed"] == .number(36))
        #expect(after.fired.first?.reason.contains("catch-up: 36 run(s)") == true)
    }

    @Test func catchUpSkipRecordsTheMissedRunsAndFiresNothing() async throws {
        let records = MemoryRecords()
        let config = ["cron": "0 * * * *", "catchUp": "skip"]
        let before = context(config, at: "2026-01-01T00:30:00Z", records: records)
        try await watching(before) { try await before.clock.step() }
        #expect(before.fired.count == 1)

        let after = context(config, at: "2026-01-01T05:10:00Z", records: records)
        try await watching(after) {}
        #expect(after.fired.isEmpty)
        #expect(after.recorded.count == 1)
        #expect(after.recorded.first?.outcome == .ignored)
        #expect(after.recorded.first?.payload["missed"] == .number(4))
        #expect(after.recorded.first?.reason.contains("catchUp: skip") == true)
    }

    @Test func aChangedScheduleDoesNotCatchUp() async throws {
        let records = MemoryRecords()
        let before = context(["cron": "*/5 * * * *"], at: "2026-01-01T00:02:00Z", records: records)
        try await watching(before) { try await before.clock.step() }
        let after = context(["cron": "0 * * * *"], at: "2026-01-01T03:07:00Z", records: records)
        try await watching(after) {}
        #expect(after.fired.isEmpty && after.recorded.isEmpty)
    }

    @Test func aWatcherThatStalledFiresOnceNotOncePerSlot() throws {
        let config = try ScheduleConfig(.object(["cron": .string("*/5 * * * *")]))
        let step = ScheduleStep.decide(config, lastSlot: utc("2026-01-01T00:05:00Z"), now: utc("2026-01-01T00:31:00Z"), startingUp: false)
        #expect(step == .catchUp(slot: utc("2026-01-01T00:30:00Z"), missed: 5, truncated: false))
        let onTime = ScheduleStep.decide(config, lastSlot: utc("2026-01-01T00:05:00Z"), now: utc("2026-01-01T00:10:00Z"), startingUp: false)
        #expect(onTime == .fire(slot: utc("2026-01-01T00:10:00Z")))
    }

    @Test func describeShowsTheNextThreeFireTimesInTheZone() {
        let described = ScheduleTrigger().describe(
            config: .object(["cron": .string("0 3 * * *"), "timezone": .string("Europe/Berlin")]), now: utc("2026-03-28T12:00:00Z"))
        #expect(described["nextFires"] == .array(["2026-03-29T01:00:00Z", "2026-03-30T01:00:00Z", "2026-03-31T01:00:00Z"].map(JSONValue.string)))
        #expect(described["timezone"] == .string("Europe/Berlin"))
    }

    @Test func badConfigNamesTheField() {
        #expect(throws: FerryError.self) { try ScheduleConfig(.object(["cron": .string("* * * * *"), "timezone": .string("Mars/Olympus")])) }
        let described = ScheduleTrigger().describe(config: .object(["cron": .string("* * * * *"), "timezone": .string("Mars/Olympus")]), now: Date())
        #expect(described["error"]?.stringValue?.contains("config.timezone") == true)
    }
}

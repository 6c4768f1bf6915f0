import FerryCore
import FerryEngine
import FerryStore
import Foundation
import Logging
import PluginTestKit
import Testing
import ScheduleTrigger

/// The schedule trigger inside a real engine (SQLite file, dispatcher, supervisor) on a
/// virtual clock: slots become events and jobs, a slot while a job is queued merges into it,
/// a suspended binding records its slots as skipped, and after a downtime one run catches up.
@Suite struct ScheduleThroughEngineTests {
    /// A source whose only action does nothing: what is measured here is what gets queued.
    struct IdleSource: SourcePlugin {
        static let kind = "idle"
        static let mount = "idle"
        var schema: ConfigSchema { .empty }
        var actions: [ActionDescriptor] { [ActionDescriptor(name: "deploy", description: "nothing", producesBuild: false)] }
        func resolve(params: JSONValue, context: any SourceContext) async throws -> Revision? { nil }
        func run(action: String, revision: Revision?, params: JSONValue, context: any SourceContext) async throws -> ActionOutcome {
            .done(summary: "nothing")
        }
        func serve(_ request: SurfaceRequest, live: LiveBuild, context: any SurfaceContext) async -> SurfaceResponse { .text(404, "") }
    }

    func engine(_ dir: URL, clock: VirtualClock) throws -> Engine {
        var registry = PluginRegistry()
        registry.register(IdleSource())
        registry.register(ScheduleTrigger())
        var configuration = Engine.Configuration(dataDirectory: dir)
        configuration.runsReconciler = false
        configuration.runsWatchers = false
        configuration.watchClock = clock
        return try Engine(configuration: configuration, registry: registry, logger: Logger(label: "test"), now: { clock.now })
    }

    @Test func slotsQueueCoalesceSkipWhileSuspendedAndCatchUpOnce() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ferry-schedule-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let clock = VirtualClock(utc("2026-01-01T00:02:00Z"))
        let first = try engine(dir, clock: clock)
        try first.apply(.object([
            "name": .string("repo"), "source": .object(["kind": .string("idle")]),
            "triggers": .array([.object(["kind": .string("schedule"), "config": .object(["cron": .string("*/5 * * * *")])])]),
        ]))
        first.watchers.sync()
        try await clock.step()
        let events = { try first.database.events(kind: "schedule").reversed().map { ($0.outcome, $0.payload["slot"]?.stringValue ?? "") } }
        #expect(try events().map(\.0) == [.accepted])
        #expect(try first.database.jobs().count == 1)

        try await clock.step()
        #expect(try events().map(\.0) == [.accepted, .accepted])
        #expect(try first.database.jobs().count == 1, "the 00:10 slot merged into the job still queued")

        let hook = try #require(try first.workload("repo").spec.triggers[0].id)
        _ = try first.setSuspended(binding: hook, true)
        try await clock.step()
        let skipped = try #require(try first.database.events(kind: "schedule").first)
        #expect(skipped.outcome == .ignored && skipped.reason?.contains("suspended") == true)
        _ = try first.setSuspended(binding: hook, false)
        await first.watchers.stopAll()

        // Down from 00:15 to 03:07; a new process on the same data directory catches up once.
        clock.advance(to: utc("2026-01-01T03:07:00Z"))
        let second = try engine(dir, clock: clock)
        second.watchers.sync()
        try await clock.waitForSleepers()
        let catchUp = try #require(try second.database.events(kind: "schedule").first)
        #expect(catchUp.outcome == .accepted)
        #expect(catchUp.payload["slot"] == .string("2026-01-01T03:05:00Z"))
        #expect(catchUp.payload["missed"] == .number(34))
        #expect(try second.database.events(kind: "schedule").count == 4)
        await second.watchers.stopAll()
    }
}

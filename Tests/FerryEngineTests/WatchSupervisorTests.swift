import FerryCore
import FerryEngine
import FerryStore
import Foundation
import Logging
import ManualTrigger
import StaticSiteSource
import Testing

/// The watch supervisor and the context it gives watchers: one task per watched binding,
/// restarted when the binding changes and stopped when it goes; every firing goes through the
/// dispatcher, and suspension and cause-chain loops are refused there and recorded as events.
@Suite struct WatchSupervisorTests {
    struct Fixture {
        let engine: Engine
        let probe: WatchProbe

        init(_ dir: URL) throws {
            let probe = WatchProbe()
            var registry = PluginRegistry()
            registry.register(StaticSiteSource())
            registry.register(ManualTrigger())
            registry.register(probe)
            var configuration = Engine.Configuration(dataDirectory: dir)
            configuration.runsReconciler = false
            configuration.runsWatchers = false
            engine = try Engine(configuration: configuration, registry: registry, logger: Logger(label: "test"))
            self.probe = probe
            try engine.apply(Self.workload("docs"))
            _ = try engine.createBinding(.object([
                "id": .string("p1"), "kind": .string("probe"), "config": .object(["label": .string("one")]),
                "workloads": .array([.object(["name": .string("docs"), "action": .string("deploy")])]),
            ]))
        }

        static func workload(_ name: String, triggers: [JSONValue] = []) -> JSONValue {
            .object([
                "name": .string(name),
                "source": .object(["kind": .string("static-site"), "config": .object(["repo": .string("http://127.0.0.1:9/\(name).git")])]),
                "triggers": .array(triggers),
            ])
        }

        func fire(_ context: any WatchContext, id: String? = nil, causes: [String] = [], params: JSONValue = .object([:])) async throws -> WatchFireResult {
            try await context.fire(WatchFiring(
                summary: "probe saw \(id ?? "something")", reason: "test", deliveryID: id, params: params,
                revision: id.map { Revision(id: $0) }, causes: causes))
        }
    }

    func withFixture(_ body: (Fixture) async throws -> Void) async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ferry-watch-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let f = try Fixture(dir)
        f.engine.watchers.sync()
        do { try await body(f) } catch {
            await f.engine.watchers.stopAll()
            throw error
        }
        await f.engine.watchers.stopAll()
    }

    @Test func startsOneWatcherPerBindingRestartsOnChangeAndStopsOnDelete() async throws {
        try await withFixture { f in
            _ = try await f.probe.context("p1")
            f.engine.watchers.sync()
            #expect(f.probe.starts("p1") == 1, "an unchanged binding keeps its watcher")

            try f.engine.apply(Fixture.workload("docs", triggers: [.object(["kind": .string("probe"), "action": .string("deploy"), "config": .object(["label": .string("a")])])]))
            f.engine.watchers.sync()
            let docs = try #require(try f.engine.workload("docs").spec.triggers[0].id)
            _ = try await f.probe.context(docs)
            try f.engine.apply(Fixture.workload("docs", triggers: [.object(["kind": .string("probe"), "action": .string("deploy"), "config": .object(["label": .string("b")])])]))
            f.engine.watchers.sync()
            #expect(try f.engine.workload("docs").spec.triggers[0].id == docs, "the binding id survives the change")
            try await eventually("docs restarted") { f.probe.starts(docs) == 2 }
            #expect(try await f.probe.context(docs).binding.config["label"] == .string("b"))

            try f.engine.deleteBinding("p1")
            f.engine.watchers.sync()
            try await eventually("p1 stopped") { !f.probe.running("p1") }
            #expect(f.engine.watchers.watchedBindings == [docs])
        }
    }

    @Test func aFiringQueuesAJobWithItsRevisionAndARepeatIsADuplicate() async throws {
        try await withFixture { f in
            let context = try await f.probe.context("p1")
            let first = try await f.fire(context, id: "v1")
            #expect(first.fired && first.event.outcome == .accepted)
            #expect(first.event.bindingID == "p1" && first.event.kind == "probe")
            #expect(first.event.payload["workloads"] == .array([.string("docs")]))
            let job = try #require(try f.engine.database.job(first.jobIDs[0]))
            #expect(job.revision == Revision(id: "v1") && job.action == "deploy" && job.eventID == first.event.id)

            let again = try await f.fire(context, id: "v1")
            #expect(!again.fired && again.event.outcome == .duplicate)
            #expect(try f.engine.database.jobs().count == 1)
        }
    }

    @Test func aSuspendedBindingOrWorkloadNeverFiresAndSaysWhy() async throws {
        try await withFixture { f in
            let context = try await f.probe.context("p1")
            _ = try f.engine.setSuspended(binding: "p1", true)
            let ignored = try await f.fire(context, id: "v1")
            #expect(!ignored.fired && ignored.event.outcome == .ignored)
            #expect(ignored.event.reason?.contains("binding p1 is suspended") == true)

            _ = try f.engine.setSuspended(binding: "p1", false)
            _ = try f.engine.setSuspended(workload: "docs", true)
            let filtered = try await f.fire(context, id: "v2")
            #expect(!filtered.fired && filtered.event.outcome == .filtered)
            #expect(filtered.event.reason?.contains("docs: workload suspended") == true)
            #expect(try f.engine.database.jobs().isEmpty)

            _ = try f.engine.setSuspended(workload: "docs", false)
            #expect(try await f.fire(context, id: "v2").fired, "a version skipped while suspended is not a duplicate")
        }
    }

    @Test func anEventWhoseCauseChainHoldsThisBindingForTheWorkloadIsRefused() async throws {
        try await withFixture { f in
            let context = try await f.probe.context("p1")
            let first = try await f.fire(context)
            // A follow-up of the job it started, as the engine chains them.
            let followUp = try f.engine.dispatcher.dispatch(DispatchRequest(
                kind: "follow-up", summary: "after", targets: [], causes: [first.event.id]))
            let loop = try await f.fire(context, causes: [first.event.id, followUp.event.id])
            #expect(!loop.fired && loop.event.outcome == .refused)
            #expect(loop.event.reason?.contains("loop") == true)
            #expect(try f.engine.database.events(outcome: .refused).map(\.id) == [loop.event.id])

            let manual = try f.engine.run(workload: "docs", action: "deploy")
            let unrelated = try await f.fire(context, causes: [try #require(manual.eventID)])
            #expect(unrelated.event.outcome == .accepted, "a chain without this binding is no loop")
        }
    }

    @Test func jobsAreListedWithTheBindingsOfTheirCauseChain() async throws {
        try await withFixture { f in
            let context = try await f.probe.context("p1")
            let manual = try f.engine.run(workload: "docs", action: "deploy")
            _ = try f.engine.cancel(jobID: manual.id)
            let fired = try await f.fire(context, id: "v1")
            let jobs = try await context.jobs(of: ["docs"], since: .distantPast)
            #expect(jobs.map(\.id) == [manual.id, fired.jobIDs[0]])
            #expect(jobs[0].bindingID == nil && jobs[0].causeBindings.isEmpty && jobs[0].finished)
            #expect(jobs[1].bindingID == "p1" && jobs[1].causeBindings == ["p1"] && jobs[1].causes == [fired.event.id])
            #expect(jobs[1].logFile.lastPathComponent == "\(fired.jobIDs[0]).log")
        }
    }

    @Test func parametersTheActionRefusesAreARecordedRefusal() async throws {
        try await withFixture { f in
            let context = try await f.probe.context("p1")
            let result = try await f.fire(context, params: .object(["nope": .string("x")]))
            #expect(result.event.outcome == .refused)
            #expect(result.event.reason?.contains("cannot queue") == true)
        }
    }

    @Test func theStatusShowsWhatTheWatcherReportedAndWhatTheTriggerDescribes() async throws {
        try await withFixture { f in
            let context = try await f.probe.context("p1")
            await context.reportStatus(.object(["state": .string("ok"), "checkedAt": .string("now")]))
            let status = try #require(f.engine.watchStatus(of: try f.engine.binding("p1")))
            #expect(status["state"] == .string("ok"))
            #expect(status["label"] == .string("one"))
            #expect(status["watching"] == .bool(true))
            #expect(try context.env(of: "docs") == [:])
            #expect(throws: FerryError.self) { try context.env(of: "elsewhere") }

            try f.engine.deleteBinding("p1")
            let records = OwnedRecords(database: f.engine.database, owner: OwnedRecords.binding("p1"))
            #expect(try records.all("ferry.watch").isEmpty, "a deleted binding's cursor and status go with it")
        }
    }
}

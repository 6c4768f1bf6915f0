import FerryCore
import FerryEngine
import FerryStore
import Foundation
import ManualTrigger
import StaticSiteSource
import Synchronization
import Testing

/// `Dispatcher`: every request is checked before anything is stored; an accepted one is stored
/// as one event plus its (coalesced) jobs, and the runner is woken.
@Suite struct DispatcherTests {
    static let commitA = "aaaaaaa1111111"
    static let commitB = "bbbbbbb2222222"

    /// The real registry, a real database file with workload `docs`, and a counting wake.
    struct Fixture {
        let database: FerryDatabase
        let dispatcher: Dispatcher
        let wakes: Counter
        let clock: Counter

        init(_ dir: URL) throws {
            var registry = PluginRegistry()
            registry.register(StaticSiteSource())
            registry.register(ManualTrigger())
            database = try FerryDatabase(path: dir.appendingPathComponent("ferry.sqlite").path)
            let spec = WorkloadSpec(name: "docs", source: SourceRef(kind: "static-site", config: .object(["repo": .string("file:///srv/docs.git")])))
            _ = try database.applyWorkload(spec, inlineBindings: [], now: Date(timeIntervalSince1970: 1_750_000_000))
            let wakes = Counter()
            let clock = Counter()
            self.wakes = wakes
            self.clock = clock
            // Each reading of the clock is one second later, so events have a defined order.
            dispatcher = Dispatcher(
                database: database, registry: registry,
                now: { Date(timeIntervalSince1970: 1_750_000_000 + TimeInterval(clock.increment())) },
                wake: { wakes.increment() })
        }

        func deploy(_ commit: String?, workload: String = "docs", action: String = "deploy") -> DispatchRequest {
            let params: JSONValue = commit.map { .object(["commit": .string($0)]) } ?? .object([:])
            return DispatchRequest(kind: "manual", summary: "\(action) \(commit ?? "head")", targets: [.init(workload: workload, action: action, params: params)])
        }

        /// Nothing at all was stored and nobody was woken.
        func expectNothingStored(sourceLocation: SourceLocation = #_sourceLocation) throws {
            #expect(try database.events().isEmpty, sourceLocation: sourceLocation)
            #expect(try database.jobs().isEmpty, sourceLocation: sourceLocation)
            #expect(wakes.value == 0, sourceLocation: sourceLocation)
        }
    }

    @Test func anAcceptedRequestStoresTheEventAndAJobAndWakesTheRunner() throws {
        try withTemporaryDirectory { dir in
            let f = try Fixture(dir)
            let result = try f.dispatcher.dispatch(f.deploy(Self.commitA))
            #expect(result.jobs.count == 1)
            let job = try #require(result.jobs.first)
            #expect(job.workload == "docs" && job.action == "deploy" && job.state == .queued)
            #expect(job.params == .object(["commit": .string(Self.commitA)]))
            #expect(job.eventID == result.event.id)
            #expect(try f.database.event(result.event.id) == result.event)
            #expect(try f.database.job(job.id) == job)
            #expect(result.event.kind == "manual" && result.event.outcome == .accepted)
            #expect(f.wakes.value == 1)
        }
    }

    @Test func anUnknownWorkloadIsNotFoundAndStoresNothing() throws {
        try withTemporaryDirectory { dir in
            let f = try Fixture(dir)
            let error = #expect(throws: FerryError.self) { try f.dispatcher.dispatch(f.deploy(nil, workload: "ghost")) }
            #expect(error?.code == .notFound)
            #expect(error?.message.contains("ghost") == true)
            try f.expectNothingStored()
        }
    }

    @Test func anUnknownActionIsRefusedNamingTheActionsThereAreAndStoresNothing() throws {
        try withTemporaryDirectory { dir in
            let f = try Fixture(dir)
            let error = #expect(throws: FerryError.self) { try f.dispatcher.dispatch(f.deploy(nil, action: "refresh-delta")) }
            #expect(error?.message.contains("refresh-delta") == true)
            #expect(error?.message.contains("deploy") == true)
            try f.expectNothingStored()
        }
    }

    @Test(arguments: [
        (JSONValue.object(["commit": .number(5)]), "params.commit: expected string, got integer"),
        (.object(["commit": .string("not-a-sha")]), "params.commit: does not match pattern ^[0-9a-f]{7,64}$"),
        (.object(["branch": .string("main")]), "params.branch: unknown field"),
        (.string("deploy"), "params: expected object, got string"),
    ])
    func badParamsAreInvalidInputNamingTheParameter(params: JSONValue, message: String) throws {
        try withTemporaryDirectory { dir in
            let f = try Fixture(dir)
            let request = DispatchRequest(kind: "manual", summary: "bad", targets: [.init(workload: "docs", action: "deploy", params: params)])
            let error = #expect(throws: FerryError.self) { try f.dispatcher.dispatch(request) }
            #expect(error?.code == .invalidInput)
            #expect(error?.message == message)
            #expect(error?.field == message.components(separatedBy: ":").first)
            try f.expectNothingStored()
        }
    }

    @Test func oneBadTargetStopsTheWholeRequest() throws {
        try withTemporaryDirectory { dir in
            let f = try Fixture(dir)
            let request = DispatchRequest(kind: "git-push", summary: "push", targets: [
                .init(workload: "docs", action: "deploy"), .init(workload: "ghost", action: "deploy"),
            ])
            #expect(throws: FerryError.self) { try f.dispatcher.dispatch(request) }
            try f.expectNothingStored()
        }
    }

    @Test func twoDeploysWithDifferentCommitsCoalesceIntoOneJobOfTheNewest() throws {
        try withTemporaryDirectory { dir in
            let f = try Fixture(dir)
            let first = try f.dispatcher.dispatch(f.deploy(Self.commitA))
            let second = try f.dispatcher.dispatch(f.deploy(Self.commitB))

            #expect(second.jobs.map(\.id) == first.jobs.map(\.id), "the queued job absorbed the second request")
            let jobs = try f.database.jobs(workload: "docs")
            #expect(jobs.count == 1)
            let job = try #require(jobs.first)
            #expect(job.state == .queued)
            #expect(job.params == .object(["commit": .string(Self.commitB)]))
            #expect(job.eventID == second.event.id)

            let events = try f.database.events()
            #expect(events.map(\.id) == [second.event.id, first.event.id])
            #expect(f.wakes.value == 2)
        }
    }

    @Test func aRunningJobIsNotCoalescedWith() throws {
        try withTemporaryDirectory { dir in
            let f = try Fixture(dir)
            let first = try f.dispatcher.dispatch(f.deploy(Self.commitA))
            #expect(try f.database.claimRunnableJobs(limit: 1, now: Date()).map(\.id) == first.jobs.map(\.id))
            let second = try f.dispatcher.dispatch(f.deploy(Self.commitB))
            #expect(second.jobs.map(\.id) != first.jobs.map(\.id))
            #expect(try f.database.jobs(workload: "docs", states: [.queued]).map(\.params) == [.object(["commit": .string(Self.commitB)])])
        }
    }

    /// Ten pushes during a build, as webhooks send them (the commit as the job's revision):
    /// one follow-up job, of the newest commit.
    @Test func pushesDuringABuildCoalesceIntoOneFollowUpOfTheNewestRevision() throws {
        try withTemporaryDirectory { dir in
            let f = try Fixture(dir)
            let running = try f.dispatcher.dispatch(DispatchRequest(
                kind: "git-push", summary: "push 0", targets: [.init(workload: "docs", action: "deploy", revision: .git(branch: "main", commit: "c0"))]))
            _ = try f.database.claimRunnableJobs(limit: 1, now: Date())
            for i in 1...10 {
                try f.dispatcher.dispatch(DispatchRequest(
                    kind: "git-push", summary: "push \(i)", targets: [.init(workload: "docs", action: "deploy", revision: .git(branch: "main", commit: "c\(i)"))]))
            }
            let queued = try f.database.jobs(workload: "docs", states: [.queued])
            #expect(queued.count == 1)
            #expect(queued.first?.revision == .git(branch: "main", commit: "c10"))
            #expect(try f.database.jobs(workload: "docs", states: [.running]).map(\.id) == running.jobs.map(\.id))
            #expect(try f.database.events(kind: "git-push").count == 11)
        }
    }

    @Test func anEventWithoutTargetsIsStoredButWakesNobody() throws {
        try withTemporaryDirectory { dir in
            let f = try Fixture(dir)
            let result = try f.dispatcher.dispatch(DispatchRequest(
                kind: "git-push", summary: "push to dev", targets: [], outcome: .ignored, reason: "branch dev is not watched",
                bindingID: "docs.0", deliveryID: "d-1", causes: ["e-0"], payload: .object(["branch": .string("dev")])))
            #expect(result.jobs.isEmpty)
            let stored = try #require(try f.database.event(result.event.id))
            #expect(stored.outcome == .ignored)
            #expect(stored.reason == "branch dev is not watched")
            #expect(stored.causes == ["e-0"])
            #expect(stored.payload == .object(["branch": .string("dev")]))
            #expect(stored.bindingID == "docs.0" && stored.deliveryID == "d-1")
            #expect(f.wakes.value == 0)
        }
    }
}

/// A thread-safe counter: `increment()` returns the value before adding one.
final class Counter: Sendable {
    private let count = Atomic<Int>(0)
    @discardableResult
    func increment() -> Int { count.add(1, ordering: .relaxed).oldValue }
    var value: Int { count.load(ordering: .relaxed) }
}

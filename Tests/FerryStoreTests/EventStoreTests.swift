import FerryCore
import FerryStore
import Foundation
import Testing

/// The event log: what happened, newest first, filterable, and findable by delivery id so a
/// webhook re-delivery is recognised.
@Suite struct EventStoreTests {
    typealias F = StoreFixtures

    func store(_ events: [Event], in db: FerryDatabase) throws {
        for event in events { _ = try db.recordEvent(event, jobs: [], decide: F.insert) }
    }

    @Test func eventsAreListedNewestFirst() throws {
        try withDatabase { db in
            try store([F.event("e2", at: 20), F.event("e1", at: 10), F.event("e3", at: 30)], in: db)
            #expect(try db.events().map(\.id) == ["e3", "e2", "e1"])
            #expect(try db.events(limit: 2).map(\.id) == ["e3", "e2"])
        }
    }

    @Test func eventsFilterByOutcomeAndKind() throws {
        try withDatabase { db in
            try store([
                F.event("a1", at: 1, kind: "git-push"), F.event("r1", at: 2, kind: "git-push", outcome: .refused),
                F.event("a2", at: 3, kind: "manual"), F.event("f1", at: 4, kind: "git-push", outcome: .filtered),
                F.event("r2", at: 5, kind: "manual", outcome: .refused),
            ], in: db)
            #expect(try db.events(outcome: .refused).map(\.id) == ["r2", "r1"])
            #expect(try db.events(outcome: .accepted).map(\.id) == ["a2", "a1"])
            #expect(try db.events(outcome: .duplicate).isEmpty)
            #expect(try db.events(kind: "git-push").map(\.id) == ["f1", "r1", "a1"])
            #expect(try db.events(outcome: .refused, kind: "manual").map(\.id) == ["r2"])
        }
    }

    @Test func anEventRoundTripsWhole() throws {
        try withDatabase { db in
            let event = Event(
                id: "e1", kind: "git-push", summary: "push to main", deliveryID: "d-1", bindingID: "docs.0", receivedAt: F.at(7),
                outcome: .ignored, reason: "branch dev is not watched", causes: ["e0", "e-1"],
                payload: .object(["commit": .string("abc1234"), "paths": .array([.string("a"), .string("b")])]))
            try store([event], in: db)
            #expect(try db.event("e1") == event)
            #expect(try db.event("e2") == nil)
        }
    }

    @Test func findsTheFirstEventOfADeliveryFromABinding() throws {
        try withDatabase { db in
            try store([
                F.event("later", at: 20, bindingID: "docs.0", deliveryID: "d-1"),
                F.event("first", at: 10, bindingID: "docs.0", deliveryID: "d-1"),
                F.event("other-delivery", at: 5, bindingID: "docs.0", deliveryID: "d-2"),
                F.event("other-binding", at: 1, bindingID: "blog.0", deliveryID: "d-1"),
            ], in: db)
            #expect(try db.event(bindingID: "docs.0", deliveryID: "d-1")?.id == "first")
            #expect(try db.event(bindingID: "docs.0", deliveryID: "d-2")?.id == "other-delivery")
            #expect(try db.event(bindingID: "blog.0", deliveryID: "d-1")?.id == "other-binding")
            #expect(try db.event(bindingID: "docs.0", deliveryID: "d-3") == nil)
            #expect(try db.event(bindingID: "wiki.0", deliveryID: "d-1") == nil)
        }
    }

    /// A delivery refused at first (say, a bad signature) and sent again must not count as a
    /// duplicate: only an accepted event makes a re-delivery one, as the method's contract says.
    @Test func onlyAnAcceptedEventMakesARedeliveryADuplicate() throws {
        try withDatabase { db in
            try store([F.event("refused", at: 10, outcome: .refused, bindingID: "docs.0", deliveryID: "d-1")], in: db)
            #expect(try db.event(bindingID: "docs.0", deliveryID: "d-1") == nil)
            try store([F.event("accepted", at: 20, bindingID: "docs.0", deliveryID: "d-1")], in: db)
            #expect(try db.event(bindingID: "docs.0", deliveryID: "d-1")?.id == "accepted")
        }
    }

    /// The duplicate check and the insert are one transaction: the second copy of a delivery is
    /// stored as `duplicate` and queues nothing, even when both arrive together.
    @Test func aSecondCopyOfADeliveryIsStoredAsADuplicateWithNoJobs() async throws {
        try await withDatabase { db in
            let copies = (0..<8).map { i in
                (F.event("copy-\(i)", at: 10 + i, kind: "git-push", bindingID: "docs.0", deliveryID: "d-1"), F.job("job-\(i)", "docs"))
            }
            let results = try await withThrowingTaskGroup(of: (Event, [Job]).self) { group in
                for (event, job) in copies {
                    group.addTask { try db.recordDelivery(event, jobs: [job], decide: F.insert) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(results.filter { $0.0.outcome == .accepted }.count == 1)
            #expect(results.filter { $0.0.outcome == .duplicate }.count == 7)
            #expect(results.filter { $0.0.outcome == .duplicate }.allSatisfy { $0.1.isEmpty && $0.0.reason == "duplicate delivery d-1" })
            #expect(try db.jobs(workload: "docs").count == 1)
            #expect(try db.events(outcome: .duplicate).count == 7)
        }
    }
}

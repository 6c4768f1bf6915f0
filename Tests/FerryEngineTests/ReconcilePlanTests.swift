import FerryCore
import FerryEngine
import Foundation
import Testing

/// `ReconcilePlan.decide`: the reconciler's whole decision, from facts, with no I/O.
@Suite struct ReconcilePlanTests {
    static let now = Date(timeIntervalSince1970: 1_750_000_000)

    /// A deployed, verified, healthy workload at generation 1 with build b1 live.
    static func facts(
        generation: Int = 1, _ change: (inout WorkloadStatus) -> Void = { _ in }, suspended: Bool = false, hasActiveJob: Bool = false,
        linked: String? = "b1", problem: String? = nil, recordedVerifies: Bool = true, observation: Observation? = nil
    ) -> ReconcilePlan.Facts {
        var status = WorkloadStatus(
            observedGeneration: 1, health: .healthy, reason: "live build b1 verified", liveBuildID: "b1", liveRevision: "r1",
            lastDeployID: "d1")
        change(&status)
        return ReconcilePlan.Facts(
            generation: generation, status: status, suspended: suspended, hasActiveJob: hasActiveJob, linkedBuildID: linked,
            linkedBuildProblem: problem, recordedBuildVerifies: recordedVerifies, observation: observation, now: now)
    }

    /// What a case must come out as; the reason must contain `reasonHas`.
    enum Expected: Sendable {
        case steady(Health)
        case relink(String)
        case deploy
        case backoff(until: Date)
    }

    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let facts: ReconcilePlan.Facts
        let expected: Expected
        let reasonHas: String
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "not deployed yet → deploy",
             facts: facts(generation: 1, { $0 = WorkloadStatus() }, linked: nil, recordedVerifies: false),
             expected: .deploy, reasonHas: "not deployed yet"),
        Case(name: "generation newer than observed → deploy",
             facts: facts(generation: 3), expected: .deploy, reasonHas: "spec generation 3 is newer than the live one (1)"),
        Case(name: "equal generation, linked build verifies → steady healthy",
             facts: facts(), expected: .steady(.healthy), reasonHas: "live build b1 verified"),
        Case(name: "steady takes the source's own observation",
             facts: facts(observation: Observation(health: .degraded, reason: "3 tarballs are broken")),
             expected: .steady(.degraded), reasonHas: "3 tarballs are broken"),
        Case(name: "current missing, recorded build verifies → relink",
             facts: facts(linked: nil, recordedVerifies: true), expected: .relink("b1"), reasonHas: "is missing"),
        Case(name: "current points elsewhere, recorded build verifies → relink",
             facts: facts(linked: "b0", recordedVerifies: true), expected: .relink("b1"), reasonHas: "points to b0"),
        Case(name: "current missing, recorded build gone → deploy",
             facts: facts(linked: nil, recordedVerifies: false), expected: .deploy, reasonHas: "no longer verifies"),
        Case(name: "linked build fails verification → deploy",
             facts: facts(problem: "index.html is missing"), expected: .deploy, reasonHas: "index.html is missing"),
        Case(name: "wanted revision differs from the live one → deploy",
             facts: facts({ $0.wantedRevision = "r2" }), expected: .deploy, reasonHas: "wanted revision r2"),
        Case(name: "wanted revision already live → steady",
             facts: facts({ $0.wantedRevision = "r1" }), expected: .steady(.healthy), reasonHas: "verified"),
        Case(name: "deployed once but no live build recorded → deploy",
             facts: facts({ $0.liveBuildID = nil }, linked: nil, recordedVerifies: false), expected: .deploy, reasonHas: "no live build"),
        Case(name: "failed this generation 10 s ago (1 failure) → back off 30 s",
             facts: facts(generation: 2, { $0.failedGeneration = 2; $0.failures = 1; $0.lastFailureAt = now.addingTimeInterval(-10); $0.reason = "deploy failed: boom" }),
             expected: .backoff(until: now.addingTimeInterval(20)), reasonHas: "deploy failed: boom"),
        Case(name: "failed three times, 100 s ago → still backing off (120 s)",
             facts: facts(generation: 2, { $0.failedGeneration = 2; $0.failures = 3; $0.lastFailureAt = now.addingTimeInterval(-100); $0.reason = "deploy failed: again" }),
             expected: .backoff(until: now.addingTimeInterval(20)), reasonHas: "deploy failed: again"),
        Case(name: "backoff elapsed → deploy again",
             facts: facts(generation: 2, { $0.failedGeneration = 2; $0.failures = 1; $0.lastFailureAt = now.addingTimeInterval(-31) }),
             expected: .deploy, reasonHas: "generation 2"),
        Case(name: "failure was for an older generation → deploy at once",
             facts: facts(generation: 3, { $0.failedGeneration = 2; $0.failures = 4; $0.lastFailureAt = now.addingTimeInterval(-1) }),
             expected: .deploy, reasonHas: "generation 3"),
        Case(name: "suspended → steady, even with a gap",
             facts: facts(generation: 5, { $0.health = .degraded }, suspended: true, linked: nil, recordedVerifies: false),
             expected: .steady(.degraded), reasonHas: "suspended"),
        Case(name: "a job is queued or running → steady progressing",
             facts: facts(generation: 2, { $0.reason = "deploying" }, hasActiveJob: true, linked: nil, recordedVerifies: false),
             expected: .steady(.progressing), reasonHas: "deploying"),
    ]

    @Test(arguments: cases)
    func decide(_ c: Case) {
        let plan = ReconcilePlan.decide(c.facts)
        switch (c.expected, plan) {
        case (.steady(let want), .steady(let health, let reason)):
            #expect(health == want)
            #expect(reason.contains(c.reasonHas), "\(reason)")
        case (.relink(let want), .relink(let buildID, let reason)):
            #expect(buildID == want)
            #expect(reason.contains(c.reasonHas), "\(reason)")
        case (.deploy, .deploy(let reason)):
            #expect(reason.contains(c.reasonHas), "\(reason)")
        case (.backoff(let want), .backoff(let until, let reason)):
            #expect(until == want)
            #expect(reason.contains(c.reasonHas), "\(reason)")
        default:
            Issue.record("expected \(c.expected), got \(plan)")
        }
    }

    /// The reconciler stores the backoff reason, and the next pass starts from it: the note about
    /// the next try must replace the earlier one, or a failing workload's reason grows each pass.
    @Test func theRetryNoteIsReplacedNotAppendedPassAfterPass() {
        var f = Self.facts(generation: 2, { $0.failedGeneration = 2; $0.failures = 1; $0.lastFailureAt = Self.now.addingTimeInterval(-10); $0.reason = "deploy failed: boom" })
        var reasons: [String] = []
        for _ in 0..<5 {
            guard case .backoff(_, let reason) = ReconcilePlan.decide(f) else { Issue.record("expected a backoff"); return }
            reasons.append(reason)
            f.status.reason = reason
        }
        #expect(Set(reasons).count == 1, "\(reasons)")
        #expect(reasons[0].hasPrefix("deploy failed: boom (retry after 20"))
        #expect(reasons[0].components(separatedBy: "retry after").count == 2)
    }

    @Test func decidingTwiceOnTheSameFactsGivesTheSamePlan() {
        for c in Self.cases {
            #expect(ReconcilePlan.decide(c.facts) == ReconcilePlan.decide(c.facts), "\(c.name)")
        }
    }

    @Test(arguments: [
        (0, 30.0), (1, 30), (2, 60), (3, 120), (4, 240), (5, 480), (6, 900), (7, 900), (100, 900),
    ])
    func backoffDoublesFrom30sUpTo15Minutes(failures: Int, seconds: TimeInterval) {
        #expect(ReconcilePlan.backoff(failures: failures) == seconds)
    }

    @Test func backoffNeverShrinks() {
        let steps = (0...20).map(ReconcilePlan.backoff(failures:))
        #expect(steps == steps.sorted())
        let cap: TimeInterval = 15 * 60
        #expect(steps.max() == cap)
    }
}

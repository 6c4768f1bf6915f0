import FerryCore
import FerryEngine
import FerryStore
import Foundation
import Testing

/// `JobCoalescer`: equal pending jobs become one; the newest revision wins.
@Suite struct JobCoalescerTests {
    static let t0 = Date(timeIntervalSince1970: 1_750_000_000)

    static func job(_ id: String, action: String = "deploy", params: [String: JSONValue] = [:], revision: Revision? = nil, event: String? = nil) -> Job {
        Job(id: id, workload: "docs", action: action, params: .object(params), revision: revision, eventID: event, createdAt: t0)
    }

    @Test func sameActionAndParamsExceptCommitMergeIntoTheQueuedJob() {
        let queued = Self.job("j1", params: ["commit": .string("aaaaaaa"), "full": .bool(true)], revision: Revision(id: "aaaaaaa"), event: "e1")
        let request = Self.job("j2", params: ["commit": .string("bbbbbbb"), "full": .bool(true)], revision: Revision(id: "bbbbbbb"), event: "e2")
        guard case .merge(let merged) = JobCoalescer.decide(queued: [queued], request: request) else {
            Issue.record("expected a merge")
            return
        }
        #expect(merged.id == "j1", "the queued job keeps its id and place in the queue")
        #expect(merged.createdAt == queued.createdAt)
        #expect(merged.params == .object(["commit": .string("bbbbbbb"), "full": .bool(true)]))
        #expect(merged.revision == Revision(id: "bbbbbbb"))
        #expect(merged.eventID == "e2")
    }

    @Test(arguments: ["commit", "revision", "version"])
    func everyRevisionKeyIsIgnoredWhenComparing(key: String) {
        let queued = Self.job("j1", params: [key: .string("1")])
        let request = Self.job("j2", params: [key: .string("2")])
        #expect(JobCoalescer.decide(queued: [queued], request: request) == .merge(Self.job("j1", params: [key: .string("2")])))
    }

    @Test func aRequestWithoutCommitStillJoinsAQueuedJobWithOne() {
        let queued = Self.job("j1", params: ["commit": .string("aaaaaaa")], revision: Revision(id: "aaaaaaa"), event: "e1")
        let request = Self.job("j2")
        guard case .merge(let merged) = JobCoalescer.decide(queued: [queued], request: request) else {
            Issue.record("expected a merge")
            return
        }
        #expect(merged.params == .object([:]), "the newest request's params win")
        #expect(merged.revision == Revision(id: "aaaaaaa"), "a request naming no revision keeps the queued one")
        #expect(merged.eventID == "e1")
    }

    @Test func differentActionIsInserted() {
        let request = Self.job("j2", action: "scan")
        #expect(JobCoalescer.decide(queued: [Self.job("j1")], request: request) == .insert(request))
    }

    @Test func differentNonRevisionParamsAreInserted() {
        let queued = Self.job("j1", params: ["package": .string("lodash"), "commit": .string("a")])
        let request = Self.job("j2", params: ["package": .string("react"), "commit": .string("a")])
        #expect(JobCoalescer.decide(queued: [queued], request: request) == .insert(request))
        let extra = Self.job("j3", params: ["package": .string("lodash"), "commit": .string("a"), "force": .bool(true)])
        #expect(JobCoalescer.decide(queued: [queued], request: extra) == .insert(extra))
    }

    @Test func nothingQueuedMeansInsert() {
        let request = Self.job("j1")
        #expect(JobCoalescer.decide(queued: [], request: request) == .insert(request))
    }

    @Test func theFirstMatchingQueuedJobAbsorbsTheRequest() {
        let queued = [Self.job("j-scan", action: "scan"), Self.job("j-a", params: ["commit": .string("a")]), Self.job("j-b", params: ["commit": .string("b")])]
        guard case .merge(let merged) = JobCoalescer.decide(queued: queued, request: Self.job("j-new", params: ["commit": .string("c")])) else {
            Issue.record("expected a merge")
            return
        }
        #expect(merged.id == "j-a")
        #expect(merged.params["commit"] == .string("c"))
    }
}

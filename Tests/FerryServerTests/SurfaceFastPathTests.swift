@testable import FerryServer
import FerryCore
import FerryEngine
import FerryTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import PluginTestKit
import Testing

/// A surface GET asked again is answered by the event loop from the answer kept the first time
/// (`SurfaceAnswers`, `SurfaceFastPath`): the same status, headers and bytes, never an answer
/// of a build that is no longer live or of a spec that changed, and always in request order.
@Suite(.offPool) struct SurfaceFastPathTests {
    private func keptAnswers(_ client: TestFerry.Client) async throws -> Int {
        let text = String(buffer: try await client.get("/metrics").body)
        let line = try #require(text.split(separator: "\n").first { $0.hasPrefix("ferry_surface_answers_kept_total ") })
        return try #require(Int(line.split(separator: " ")[1]))
    }

    /// Header names and values, sorted (sources list theirs in no set order), with the `Date`
    /// present but not its value (the second may turn between two answers).
    private func fields(_ response: TestResponse) -> [String] {
        response.headers.map { $0.name == .date ? "date" : "\($0.name.canonicalName): \($0.value)" }.sorted()
    }

    @Test func aRepeatedRequestGetsTheSameAnswerWithoutTheRouter() async throws {
        try await TestFerry.run { client, _, temp in
            let repo = try GitRepo(in: temp)
            try repo.commit(["public/index.html": "<h1>one</h1>", "public/data.json": SurfaceGzipTests.document])
            try await client.apply(siteWorkload("fast", repo: repo))
            _ = try await client.run("fast")

            let before = try await keptAnswers(client)
            let first = try await client.get("/sites/fast/index.html")
            let again = try await client.get("/sites/fast/index.html")
            #expect(try await keptAnswers(client) == before + 1, "the second GET was answered from the kept answer")
            #expect(again.status == .ok)
            #expect(fields(again) == fields(first))
            #expect(String(buffer: again.body) == "<h1>one</h1>")
            #expect(again.headers[.contentSecurityPolicy]?.hasPrefix("sandbox") == true, "the middleware's headers are part of the kept answer")
            #expect(again.headers[.server] == "ferry")

            let etag = try #require(first.headers[.eTag])
            let notModified = try await client.get("/sites/fast/index.html", headers: [.ifNoneMatch: etag])
            let notModifiedAgain = try await client.get("/sites/fast/index.html", headers: [.ifNoneMatch: etag])
            #expect(notModifiedAgain.status == .notModified)
            #expect(fields(notModifiedAgain) == fields(notModified))
            #expect(notModifiedAgain.body.readableBytes == 0)

            let packed = try await client.get("/sites/fast/data.json", headers: [.acceptEncoding: "gzip"])
            let plain = try await client.get("/sites/fast/data.json")
            let packedAgain = try await client.get("/sites/fast/data.json", headers: [.acceptEncoding: "gzip"])
            let plainAgain = try await client.get("/sites/fast/data.json")
            #expect(packedAgain.headers[.contentEncoding] == "gzip" && packedAgain.body == packed.body)
            #expect(plainAgain.headers[.contentEncoding] == nil && String(buffer: plainAgain.body) == SurfaceGzipTests.document)
            #expect(plain.body == plainAgain.body)

            let head = try await client.raw.execute(uri: "/sites/fast/index.html", method: .head, headers: [:])
            #expect(head.status == .ok)
            #expect(head.headers[.contentLength] == "12")
            #expect(head.body.readableBytes == 0)
        }
    }

    /// After a restart nothing applies the workloads again; with auth mode none nothing else
    /// asks for their access either, and no answer was ever kept (the composer bench's p2 rate).
    @Test func answersAreKeptAfterARestartWithAuthModeNone() async throws {
        let shared = try TempDir()
        let data = shared.url.appendingPathComponent("data")
        let repo = try GitRepo(in: shared.url)
        try repo.commit(["public/index.html": "<h1>kept</h1>"])
        let configure: (inout ServerConfiguration) -> Void = { $0.dataDirectory = data; $0.gitFileRoots = [shared.url.path] }
        try await TestFerry.run(configure: configure) { client, _, _ in
            try await client.apply(siteWorkload("restart", repo: repo))
            _ = try await client.run("restart")
        }
        try await TestFerry.run(configure: configure) { client, _, _ in
            let before = try await keptAnswers(client)
            _ = try await client.get("/sites/restart/index.html")
            let again = try await client.get("/sites/restart/index.html")
            #expect(String(buffer: again.body) == "<h1>kept</h1>")
            #expect(try await keptAnswers(client) == before + 1, "the second GET was answered from the kept answer")
        }
    }

    @Test func aNewBuildIsServedAtOnceAfterItGoesLive() async throws {
        try await TestFerry.run { client, _, temp in
            let repo = try GitRepo(in: temp)
            try repo.commit(["public/index.html": "first build"])
            try await client.apply(siteWorkload("moving", repo: repo))
            _ = try await client.run("moving")
            for _ in 0..<3 { #expect(String(buffer: try await client.get("/sites/moving/").body) == "first build") }

            try repo.commit(["public/index.html": "second build"])
            _ = try await client.run("moving")
            #expect(String(buffer: try await client.get("/sites/moving/").body) == "second build")
            #expect(String(buffer: try await client.get("/sites/moving/").body) == "second build")
        }
    }

    @Test func anotherWorkloadGoingLiveLeavesTheKeptAnswersAlone() async throws {
        try await TestFerry.run { client, _, temp in
            let repo = try GitRepo(in: temp)
            try repo.commit(["public/index.html": "steady"])
            try await client.apply(siteWorkload("steady", repo: repo))
            try await client.apply(siteWorkload("busy", repo: repo))
            _ = try await client.run("steady")
            _ = try await client.run("busy")
            _ = try await client.get("/sites/steady/")
            let before = try await keptAnswers(client)
            try repo.commit(["public/index.html": "busy, new build"])
            let live = try await client.json("/api/workloads/busy")["status"]?["liveBuildID"]
            _ = try await client.run("busy")
            #expect(try await client.json("/api/workloads/busy")["status"]?["liveBuildID"] != live, "busy switched builds")
            #expect(String(buffer: try await client.get("/sites/steady/").body) == "steady")
            #expect(try await keptAnswers(client) == before + 1, "busy's switch did not cost steady its kept answer")
        }
    }

    @Test func aSurfaceMadePrivateStopsBeingAnsweredFromMemory() async throws {
        try await TestFerry.run(configure: { $0.auth.mode = .token }) { client, engine, temp in
            let repo = try GitRepo(in: temp)
            try repo.commit(["public/index.html": "was public"])
            let open = siteWorkload("closing", repo: repo)
            _ = try engine.apply(try WorkloadFile.parse(open, fileName: "open.yaml")[0].value)
            _ = try engine.run(workload: "closing", action: "deploy", by: "test")
            for _ in 0..<600 where engine.liveBuild("closing") == nil { try await Task.sleep(for: .milliseconds(100)) }
            for _ in 0..<2 { #expect(try await client.get("/sites/closing/").status == .ok) }

            _ = try engine.apply(try WorkloadFile.parse(open + "\naccess: token\n", fileName: "closed.yaml")[0].value)
            let anonymous = try await client.get("/sites/closing/")
            #expect(anonymous.status == .unauthorized)
            #expect(!String(buffer: anonymous.body).contains("was public"))
        }
    }

    @Test func answersLeaveInRequestOrderOnAPipelinedConnection() async throws {
        try await TestFerry.run { client, _, temp in
            let repo = try GitRepo(in: temp)
            try repo.commit(["public/index.html": "the file"])
            try await client.apply(siteWorkload("ordered", repo: repo))
            _ = try await client.run("ordered")
            _ = try await client.get("/sites/ordered/index.html")

            let connection = try RawHTTP(port: try #require(client.raw.port))
            // The first goes through the router (and the store); the second is a kept answer.
            try connection.write(
                "GET /api/workloads/ordered HTTP/1.1\r\nHost: localhost\r\n\r\n"
                    + "GET /sites/ordered/index.html HTTP/1.1\r\nHost: localhost\r\n\r\n")
            let text = try connection.readResponses(2)
            let workload = try #require(text.range(of: "\"name\":\"ordered\""))
            let file = try #require(text.range(of: "the file"))
            #expect(workload.lowerBound < file.lowerBound, "the kept answer waited for the one before it")
        }
    }

    @Test func theDateHeaderIsTheFixedFormat() {
        var date = HTTPDateText()
        #expect(date.text(at: 1_796_646_142) == "Mon, 07 Dec 2026 12:22:22 GMT")
        #expect(date.text(at: 0) == "Thu, 01 Jan 1970 00:00:00 GMT")
    }

    @Test(arguments: [
        ("/sites/docs/a.html", "docs"), ("/sites/docs", "docs"), ("/sites/docs?x=1", "docs"), ("/composer/wp/p2/a/b.json", "wp"),
        ("/api/workloads", nil), ("/sites/", nil), ("/sites", nil), ("sites/docs/", nil), ("/other/docs/", nil),
    ] as [(String, String?)])
    func theWorkloadOfAPathIsItsSecondSegmentUnderAMount(_ path: String, _ workload: String?) {
        #expect(SurfaceAnswers.workload(in: path, mounts: ["sites", "composer", "npm"]) == workload)
    }
}

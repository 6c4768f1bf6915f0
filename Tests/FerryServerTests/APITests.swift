import FerryCore
import FerryTestSupport
import Foundation
import PluginTestKit
import Testing

/// The REST API's shape: kinds, health, metrics, log streaming, cancellation, deletion.
@Suite(.offPool) struct APITests {
    @Test func kindsListEverySourceWithSchemaAndActions() async throws {
        try await TestFerry.run { client, _, _ in
            let kinds = try await client.json("/api/kinds")
            guard case .array(let sources) = kinds["sources"] ?? .null, case .array(let triggers) = kinds["triggers"] ?? .null else {
                Issue.record("kinds has no sources/triggers lists"); return
            }
            let site = try #require(sources.first { $0["kind"] == .string("static-site") })
            #expect(site["id"] == .string("source.static-site"))
            #expect(site[path: "schema.required"] == .array([.string("repo")]))
            #expect(site[path: "schema.properties.branch.default"] == .string("main"))
            #expect(site[path: "actions.0.name"] == .string("deploy"))
            #expect(triggers.contains { $0["kind"] == .string("manual") })
        }
    }

    @Test func healthReportsWALAndMetricsAreExposed() async throws {
        try await TestFerry.run { client, engine, temp in
            #expect(try await client.json("/api/health")["journalMode"] == .string("wal"))
            let repo = try GitRepo(in: temp)
            try repo.commit(["public/index.html": "m"])
            try await client.apply(siteWorkload("m", repo: repo))
            _ = try await client.run("m")
            let passes = engine.reconciler.statistics.count
            try engine.reconciler.pass()
            let metrics = try await client.page("/metrics").1
            #expect(metrics.contains("ferry_workloads{health=\"healthy\"} 1"))
            #expect(metrics.contains("ferry_jobs{state=\"succeeded\"} 1"))
            #expect(metrics.contains("ferry_reconcile_passes_total \(passes + 1)"), "\(metrics)")
            #expect(metrics.contains("ferry_reconcile_pass_workloads 1"))
            #expect(engine.reconciler.statistics.lastSeconds > 0)
        }
    }

    @Test func logStreamsAsServerSentEventsWithTheOutcome() async throws {
        try await TestFerry.run { client, _, temp in
            let repo = try GitRepo(in: temp)
            try repo.commit(["public/index.html": "sse"])
            try await client.apply(siteWorkload("sse", repo: repo))
            let job = try await client.run("sse")
            let response = try await client.get("/api/jobs/\(job["id"]!.plainText)/log", headers: [.accept: "text/event-stream"])
            let text = String(buffer: response.body)
            #expect(response.headers[.contentType] == "text/event-stream")
            #expect(text.contains("data: "))
            #expect(text.contains("progress 100%"))
            #expect(text.hasSuffix("event: end\ndata: succeeded\n\n"))
        }
    }

    @Test func staticSiteServesETagsAnd304() async throws {
        try await TestFerry.run { client, _, temp in
            let repo = try GitRepo(in: temp)
            try repo.commit(["public/index.html": "etag me", "public/style.css": "body{}"])
            try await client.apply(siteWorkload("etag", repo: repo))
            _ = try await client.run("etag")
            let first = try await client.get("/sites/etag/style.css")
            #expect(first.headers[.contentType] == "text/css; charset=utf-8")
            let etag = try #require(first.headers[.eTag])
            let second = try await client.get("/sites/etag/style.css", headers: [.ifNoneMatch: etag])
            #expect(second.status == .notModified)
            #expect(second.body.readableBytes == 0)
            #expect(try await client.get("/sites/etag").status == .movedPermanently)
        }
    }

    @Test func deleteRemovesTheWorkloadAndItsFiles() async throws {
        try await TestFerry.run { client, engine, temp in
            let repo = try GitRepo(in: temp)
            try repo.commit(["public/index.html": "bye"])
            try await client.apply(siteWorkload("gone", repo: repo))
            _ = try await client.run("gone")
            #expect(try await client.send(.delete, "/api/workloads/gone").status == .ok)
            #expect(try await client.get("/api/workloads/gone").status == .notFound)
            #expect(try await client.get("/sites/gone/").status == .notFound)
            #expect(!FileManager.default.fileExists(atPath: engine.paths.workload("gone").path))
        }
    }

    @Test func cancellingAQueuedJobEndsIt() async throws {
        try await TestFerry.run { client, engine, temp in
            let repo = try GitRepo(in: temp)
            try repo.commit(["public/index.html": "c"])
            try await client.apply(siteWorkload("cancel", repo: repo))
            let job = try engine.database.recordEvent(
                Event(id: "e-test", kind: "manual", summary: "test", receivedAt: Date()),
                jobs: [Job(id: "j-test", workload: "cancel", action: "deploy", createdAt: Date().addingTimeInterval(3600))],
                decide: { _, request in .insert(request) })[0]
            let response = try await client.send(.post, "/api/jobs/\(job.id)/cancel")
            #expect(response.status == .accepted || response.status == .conflict, "\(response.status) \(String(buffer: response.body))")
            let after = try await client.waitFor(job: job.id)
            #expect(after["state"] == .string("cancelled") || after["state"] == .string("succeeded"))
        }
    }
}

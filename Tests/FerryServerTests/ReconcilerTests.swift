import FerryCore
import FerryEngine
import FerryTestSupport
import Foundation
import PluginTestKit
import Testing

/// The reconciler closes gaps between what is wanted and what is live, and only those.
@Suite(.offPool) struct ReconcilerTests {
    @Test func deploysNewWorkloadsThenStaysQuiet() async throws {
        try await TestFerry.run { client, engine, temp in
            let repo = try GitRepo(in: temp)
            try repo.commit(["public/index.html": "hello"])
            try await client.apply(siteWorkload("auto", repo: repo))

            let first = try engine.reconciler.pass()
            #expect(first.map(\.action) == ["deploy"])
            #expect(try engine.reconciler.pass().isEmpty, "a queued deploy must not be enqueued twice")
            #expect(try await client.waitFor(job: first[0].id)["state"] == .string("succeeded"))

            #expect(try engine.reconciler.pass().isEmpty)
            #expect(try engine.reconciler.pass().isEmpty)
            #expect(try await client.page("/sites/auto/").1 == "hello")
            let events = try engine.database.events(kind: "reconciler")
            #expect(events.count == 1)
        }
    }

    @Test func restoresADeletedCurrentLinkWithoutRebuilding() async throws {
        try await TestFerry.run { client, engine, temp in
            let repo = try GitRepo(in: temp)
            try repo.commit(["public/index.html": "hello"])
            try await client.apply(siteWorkload("relink", repo: repo))
            let job = try await client.run("relink")
            let buildsBefore = try engine.database.builds(workload: "relink").count

            #expect(try await client.page("/sites/relink/").1 == "hello")
            try FileManager.default.removeItem(at: engine.paths.current("relink"))
            #expect(engine.activator.liveBuildID(workload: "relink") == nil)
            // Serving reads what is live from memory (no readlink per request): the site stays up.
            #expect(try await client.page("/sites/relink/").1 == "hello")
            #expect(try engine.reconciler.pass().isEmpty)
            #expect(engine.activator.liveBuildID(workload: "relink") == job["buildID"]?.stringValue)
            #expect(try await client.page("/sites/relink/").1 == "hello")
            #expect(try engine.database.builds(workload: "relink").count == buildsBefore)
            #expect(try engine.reconciler.pass().isEmpty)
        }
    }

    @Test func rebuildsWhenTheLiveBuildFailsVerification() async throws {
        try await TestFerry.run { client, engine, temp in
            let repo = try GitRepo(in: temp)
            try repo.commit(["public/index.html": "hello"])
            try await client.apply(siteWorkload("heal", repo: repo))
            let job = try await client.run("heal")
            let manifest = try ManifestBuilder.read(from: engine.paths.build("heal", job["buildID"]!.stringValue!))
            let object = ObjectStore(root: engine.paths.objects).path(try #require(manifest.files.first { $0.path == "index.html" }).sha256)
            try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: object)
            try Data("HELLO".utf8).write(to: URL(fileURLWithPath: object))
            #expect(try engine.reconciler.pass().isEmpty, "the reconciler reads no files; the scrub finds damage")

            #expect(await engine.scrubber.pass().count == 1)
            #expect(engine.scrubber.damagedTotal == 1)
            let jobs = try engine.reconciler.pass()
            #expect(jobs.map(\.action) == ["deploy"])
            #expect(try await client.waitFor(job: jobs[0].id)["state"] == .string("succeeded"))
            #expect(try await client.page("/sites/heal/").1 == "hello")
            #expect(try engine.reconciler.pass().isEmpty)
        }
    }

    @Test func aSpecChangeIsDeployedAndASameApplyIsNot() async throws {
        try await TestFerry.run { client, engine, temp in
            let repo = try GitRepo(in: temp)
            try repo.commit(["public/index.html": "root", "site2/index.html": "other folder"])
            let document = siteWorkload("gen", repo: repo)
            try await client.apply(document)
            _ = try await client.waitFor(job: try engine.reconciler.pass()[0].id)

            let again = try await client.apply(document)
            #expect(again[path: "0.result"] == .string("unchanged"))
            #expect(again[path: "0.workload.generation"] == .number(1))
            #expect(try engine.reconciler.pass().isEmpty)

            try await client.apply(document.replacingOccurrences(of: "folder: \"public\"", with: "folder: \"site2\""))
            let jobs = try engine.reconciler.pass()
            #expect(jobs.count == 1)
            _ = try await client.waitFor(job: jobs[0].id)
            #expect(try await client.page("/sites/gen/").1 == "other folder")
            let w = try await client.json("/api/workloads/gen")
            #expect(w[path: "status.observedGeneration"] == .number(2))
        }
    }

    @Test func aFailingSpecBacksOffInsteadOfLooping() async throws {
        try await TestFerry.run { client, engine, temp in
            let repo = try GitRepo(in: temp)
            try await client.apply(siteWorkload("broken", repo: repo, branch: "ghost"))
            let jobs = try engine.reconciler.pass()
            #expect(try await client.waitFor(job: jobs[0].id)["state"] == .string("failed"))
            #expect(try engine.reconciler.pass().isEmpty, "a failed generation is retried only after a back-off")
            let w = try await client.json("/api/workloads/broken")
            #expect(w[path: "status.health"] == .string("failing"))
            #expect(w[path: "status.reason"].plainText.contains("retry after"))
        }
    }
}

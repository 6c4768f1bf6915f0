import FerryCore
import FerryEngine
import FerryTestSupport
import Foundation
import PluginTestKit
import Testing

/// Push → deploy → live, again, then rollback: what a static-site user does every day.
@Suite(.offPool) struct DeployLifecycleTests {
    @Test func deploysEachCommitAndRollsBackByteForByte() async throws {
        try await TestFerry.run { client, engine, temp in
            let repo = try GitRepo(in: temp)
            let v1Page = "<html><body><h1>version one</h1></body></html>\n"
            let v1 = try repo.commit(["public/index.html": v1Page, "public/docs/a.txt": "alpha"])
            try await client.apply(siteWorkload("site", repo: repo))

            let job1 = try await client.run("site")
            #expect(job1["state"] == .string("succeeded"), "\(job1)")
            #expect(job1[path: "revision.id"] == .string(v1))
            var (status, body) = try await client.page("/sites/site/")
            #expect(status == .ok)
            #expect(body == v1Page)

            let v2 = try repo.commit(["public/index.html": "<h1>version two</h1>\n"])
            let job2 = try await client.run("site")
            #expect(job2["state"] == .string("succeeded"))
            #expect(job2[path: "revision.id"] == .string(v2))
            (status, body) = try await client.page("/sites/site/")
            #expect(body == "<h1>version two</h1>\n")

            let rollback = try await client.send(.post, "/api/workloads/site/rollback", "{}")
            #expect(rollback.status == .ok, "\(String(buffer: rollback.body))")
            (status, body) = try await client.page("/sites/site/")
            #expect(status == .ok)
            #expect(body == v1Page)
            #expect(try await client.page("/sites/site/docs/a.txt").1 == "alpha")

            let deploys = try await client.json("/api/workloads/site/deploys")
            guard case .array(let list) = deploys else { Issue.record("deploys is not a list"); return }
            #expect(list.map { $0["kind"]!.plainText } == ["rollback", "deploy", "deploy"])
            #expect(list[0]["buildID"] == job1["buildID"])

            let w = try await client.json("/api/workloads/site")
            #expect(w[path: "status.liveRevision"] == .string(v1))
            #expect(ManifestVerifier.problem(in: engine.paths.current("site"), objects: ObjectStore(root: engine.paths.objects), depth: .full) == nil)
        }
    }

    @Test func deployBuildsTheCommitTheEventNamedNotTheBranchHead() async throws {
        try await TestFerry.run { client, _, temp in
            let repo = try GitRepo(in: temp)
            let first = try repo.commit(["public/index.html": "first"])
            try repo.commit(["public/index.html": "second"])
            try await client.apply(siteWorkload("pinned", repo: repo))
            let job = try await client.run("pinned", params: "{\"commit\": \"\(first)\"}")
            #expect(job["state"] == .string("succeeded"), "\(job)")
            #expect(try await client.page("/sites/pinned/").1 == "first")
        }
    }

    @Test func markdownIsRenderedWhenAsked() async throws {
        try await TestFerry.run { client, _, temp in
            let repo = try GitRepo(in: temp)
            try repo.commit(["public/index.md": "# Hello Ferry\n\nSome *text*."])
            try await client.apply(siteWorkload("md", repo: repo, markdown: true))
            #expect(try await client.run("md")["state"] == .string("succeeded"))
            let (status, body) = try await client.page("/sites/md/")
            #expect(status == .ok)
            #expect(body.contains("<h1>Hello Ferry</h1>"))
        }
    }

    @Test func retentionKeepsTheNewestBuildsAndTheLiveOne() async throws {
        try await TestFerry.run { client, engine, temp in
            let repo = try GitRepo(in: temp)
            try await client.apply(siteWorkload("many", repo: repo))
            for i in 1...7 {
                try repo.commit(["public/index.html": "v\(i)"])
                #expect(try await client.run("many")["state"] == .string("succeeded"))
            }
            let onDisk = try FileManager.default.contentsOfDirectory(atPath: engine.paths.builds("many").path)
            #expect(onDisk.count == 5)
            let builds = try engine.database.builds(workload: "many")
            #expect(builds.count == 7)
            #expect(builds.filter { $0.prunedAt != nil }.count == 2)
            #expect(try await client.page("/sites/many/").1 == "v7")
        }
    }
}

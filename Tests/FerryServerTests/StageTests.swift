import FerryCore
import FerryEngine
import FerryTestSupport
import Foundation
import PluginTestKit
import Testing

/// Stage chains: promote-from makes the parent's live build live in the child, byte for byte.
@Suite(.offPool) struct StageTests {
    @Test func promotionServesIdenticalBytesAndRecordsTheSourceDeploy() async throws {
        try await TestFerry.run { client, engine, temp in
            let repo = try GitRepo(in: temp)
            try repo.commit(["public/index.html": "<h1>release candidate</h1>", "public/app.js": "console.log(1)"])
            try await client.apply(siteWorkload("site-dev", repo: repo))
            try await client.apply(siteWorkload("site-prod", repo: repo) + "\nparent: site-dev")

            let early = try await client.send(.post, "/api/workloads/site-prod/promote", "{}")
            #expect(early.status == .conflict)
            #expect(try client.decode(early)[path: "error.message"].plainText.contains("site-dev has no live build"))

            let dev = try await client.run("site-dev")
            let response = try await client.send(.post, "/api/workloads/site-prod/promote", "{}")
            #expect(response.status == .accepted)
            let job = try await client.waitFor(job: try client.decode(response)["id"]!.plainText)
            #expect(job["state"] == .string("succeeded"), "\(job)")

            for file in ["", "app.js"] {
                #expect(try await client.page("/sites/site-prod/\(file)").1 == (try await client.page("/sites/site-dev/\(file)").1))
            }
            let devDeploy = try #require(try engine.database.deploys(workload: "site-dev").first)
            let prodDeploy = try #require(try engine.database.deploys(workload: "site-prod").first)
            #expect(prodDeploy.kind == .promote)
            #expect(prodDeploy.fromDeployID == devDeploy.id)
            #expect(prodDeploy.revision == devDeploy.revision)
            #expect(devDeploy.buildID == dev["buildID"]?.stringValue)
            let devManifest = try ManifestBuilder.read(from: engine.paths.build("site-dev", devDeploy.buildID))
            let prodManifest = try ManifestBuilder.read(from: engine.paths.build("site-prod", prodDeploy.buildID))
            #expect(devManifest.files == prodManifest.files)

            // Provenance: the promotion names the stage, its deploy, build and revision.
            let listed = try await client.json("/api/workloads/site-prod/deploys")
            #expect(listed[path: "0.promotedFrom.workload"] == .string("site-dev"))
            #expect(listed[path: "0.promotedFrom.deployID"] == .string(devDeploy.id))
            #expect(listed[path: "0.promotedFrom.buildID"] == .string(devDeploy.buildID))
            #expect(listed[path: "0.promotedFrom.revision.id"] == .string(try #require(devDeploy.revision?.id)))
            let everywhere = try await client.json("/api/deploys")
            #expect(Set(everywhere.arrayValue?.compactMap { $0["workload"]?.stringValue } ?? []) == ["site-dev", "site-prod"])
            #expect(everywhere[path: "0.workload"] == .string("site-prod"), "newest first")
            #expect(try await client.json("/api/deploys?workload=site-dev").arrayValue?.count == 1)
            #expect(try await client.get("/api/deploys?workload=ghost").status == .notFound)
            let page = try await client.page("/workloads/site-prod").1
            #expect(page.contains("data-origin-deploy=\"\(devDeploy.id)\"") && page.contains(devDeploy.buildID), "the workload page names where the build came from")

            let prod = try await client.json("/api/workloads/site-prod")
            #expect(prod[path: "chain.0.name"] == .string("site-dev"))
            #expect(prod[path: "chain.0.role"] == .string("parent"))
            let devView = try await client.json("/api/workloads/site-dev")
            #expect(devView[path: "chain.0.name"] == .string("site-prod"))
            #expect(devView[path: "chain.0.liveBuildID"] == .string(prodDeploy.buildID))
        }
    }

    @Test func cyclesAndUnallowedVolumesAreRefused() async throws {
        try await TestFerry.run { client, _, temp in
            let repo = try GitRepo(in: temp)
            try await client.apply(siteWorkload("stage-a", repo: repo))
            try await client.apply(siteWorkload("stage-b", repo: repo) + "\nparent: stage-a")
            let cycle = try await client.send(.put, "/api/workloads/stage-a", siteWorkload("stage-a", repo: repo) + "\nparent: stage-b", contentType: "application/yaml")
            #expect(cycle.status == .badRequest)
            #expect(try client.decode(cycle)[path: "error.message"].plainText.contains("stage-a → stage-b → stage-a"))

            let outside = siteWorkload("vol", repo: repo) + "\nvolumes: [ { name: data, scope: absolute, path: /etc } ]"
            let refused = try await client.send(.post, "/api/apply", outside, contentType: "application/yaml")
            #expect(refused.status == .badRequest)
            #expect(try client.decode(refused)[path: "error.field"] == .string("volumes.0.path"))
            #expect(try await client.get("/api/workloads/vol").status == .notFound)
        }
    }
}

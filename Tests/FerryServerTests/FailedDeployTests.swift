import FerryCore
import FerryTestSupport
import Foundation
import PluginTestKit
import Testing

/// A deploy that fails leaves the live site as it was and says why, in the log and the status.
@Suite(.offPool) struct FailedDeployTests {
    @Test(arguments: [
        ("branch: nope", "branch \"nope\" not found"),
        ("folder: missing", "folder \"missing\" not found"),
    ])
    func failedDeployLeavesLiveSiteUntouched(change: String, expected: String) async throws {
        try await TestFerry.run { client, _, temp in
            let repo = try GitRepo(in: temp)
            try repo.commit(["public/index.html": "live and well"])
            try await client.apply(siteWorkload("keep", repo: repo))
            #expect(try await client.run("keep")["state"] == .string("succeeded"))

            let key = String(change.prefix { $0 != ":" })
            let value = String(change.dropFirst(key.count + 2))
            var document = siteWorkload("keep", repo: repo)
            document = document.replacingOccurrences(of: key == "branch" ? "branch: main" : "folder: \"public\"", with: key == "branch" ? "branch: \(value)" : "folder: \"\(value)\"")
            try await client.apply(document)

            let job = try await client.run("keep")
            #expect(job["state"] == .string("failed"))
            #expect(job["message"]!.plainText.contains(expected), "\(job)")
            #expect(try await client.log(job["id"]!.plainText).contains(expected))

            let (status, body) = try await client.page("/sites/keep/")
            #expect(status == .ok)
            #expect(body == "live and well")
            let w = try await client.json("/api/workloads/keep")
            #expect(w[path: "status.health"] == .string("degraded"))
            #expect(w[path: "status.reason"].plainText.contains(expected))
            #expect(w[path: "status.observedGeneration"] == .number(1))
            #expect(w["generation"] == .number(2))
        }
    }
}

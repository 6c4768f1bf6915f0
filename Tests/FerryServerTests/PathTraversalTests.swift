import FerryCore
import FerryTestSupport
import Foundation
import PluginTestKit
import Testing

/// Nothing outside a build is ever served, however the path is spelled.
@Suite(.offPool) struct PathTraversalTests {
    static let attacks = [
        "/sites/site/../../ferry.sqlite",
        "/sites/site/%2e%2e/%2e%2e/ferry.sqlite",
        "/sites/site/%2E%2E%2F%2E%2E%2Fferry.sqlite",
        "/sites/site/..%2f..%2fferry.sqlite",
        "/sites/site/docs/../../../secret.txt",
        "/sites/site/%2e%2e%2f%2e%2e%2f%2e%2e%2fsecret.txt",
        "/sites/site/..%5c..%5csecret.txt",
        "/sites/site/%00/index.html",
        "/sites/site//etc/passwd",
        "/sites/site/link-out.txt",
        "/sites/site/manifest.json",
    ]

    @Test func traversalAttemptsGet404AndNeverOutsideBytes() async throws {
        try await TestFerry.run { client, engine, temp in
            let secret = "TOP-SECRET-\(UUID().uuidString)"
            try Data(secret.utf8).write(to: engine.paths.root.appendingPathComponent("secret.txt"))
            try FileManager.default.createDirectory(at: engine.paths.workload("site"), withIntermediateDirectories: true)
            try Data(secret.utf8).write(to: engine.paths.workload("site").appendingPathComponent("secret.txt"))
            let repo = try GitRepo(in: temp)
            try repo.commit(["public/index.html": "home", "public/docs/index.html": "docs", "public/404.html": "custom not found"])
            try FileManager.default.createSymbolicLink(
                atPath: repo.directory.appendingPathComponent("public/link-out.txt").path,
                withDestinationPath: engine.paths.root.appendingPathComponent("secret.txt").path)
            try repo.commit([:], message: "add a symlink pointing outside")
            try await client.apply(siteWorkload("site", repo: repo))
            #expect(try await client.run("site")["state"] == .string("succeeded"))

            for attack in Self.attacks {
                let response = try await client.get(attack)
                let body = String(buffer: response.body)
                #expect(response.status == .notFound || response.status == .badRequest, "\(attack) answered \(response.status)")
                #expect(!body.contains("TOP-SECRET"), "\(attack) leaked the secret")
                #expect(!body.contains("SQLite format"), "\(attack) leaked the database")
            }
            #expect(try await client.page("/sites/site/nowhere").1 == "custom not found")
            #expect(try await client.page("/sites/site/docs/").1 == "docs")
        }
    }
}

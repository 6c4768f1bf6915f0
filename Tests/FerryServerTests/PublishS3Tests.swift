import FerryCore
import FerryEngine
import FerryTestSupport
import Foundation
import Testing

/// `publish: [{s3: …}]` against moto's S3 server, read back with boto3: changed paths uploaded
/// with their Content-Type and Cache-Control, removed paths deleted, rollback publishes the older
/// build, and a failed upload fails the job with nothing live changed.
@Suite(.offPool) struct PublishS3Tests {
    static func workload(_ name: String, repo: GitRepo, endpoint: String, bucket: String) -> String {
        siteWorkload(name, repo: repo) + """

            env: { S3_KEY: test, S3_SECRET: test }
            publish:
              - s3: { endpoint: "\(endpoint)", bucket: \(bucket), prefix: site, accessKeyEnv: S3_KEY, secretKeyEnv: S3_SECRET }
            """
    }

    @Test func deploysAndARollbackArePublishedPathByPath() async throws {
        let s3 = try MotoS3()
        defer { s3.stop() }
        try s3.createBucket("www")
        try await TestFerry.run { client, _, temp in
            let repo = try GitRepo(in: temp)
            try repo.commit(["public/index.html": "one", "public/css/site.css": "body{}", "public/old.txt": "old"])
            try await client.apply(Self.workload("cdn", repo: repo, endpoint: s3.endpoint, bucket: "www"))
            let first = try await client.run("cdn")
            #expect(first["state"] == .string("succeeded"), "\(first)")
            #expect(try s3.keys("www") == ["site/css/site.css", "site/index.html", "site/old.txt"])
            let index = try s3.object("www", "site/index.html")
            #expect(index.body == "one" && index.contentType == "text/html; charset=utf-8" && index.cacheControl == "no-cache")
            #expect(try s3.object("www", "site/css/site.css").contentType == "text/css; charset=utf-8")

            try repo.git("rm", "-q", "public/old.txt")
            try repo.commit(["public/index.html": "two"])
            let second = try await client.run("cdn")
            let log = try await client.log(second["id"]!.plainText)
            #expect(log.contains("to s3://www/site/: 1 uploaded, 1 deleted"), "\(log)")
            #expect(try s3.keys("www") == ["site/css/site.css", "site/index.html"])
            #expect(try s3.object("www", "site/index.html").body == "two")

            let rollback = try await client.send(.post, "/api/workloads/cdn/rollback", "{}")
            #expect(rollback.status == .ok, "\(String(buffer: rollback.body))")
            #expect(try s3.object("www", "site/index.html").body == "one")
            #expect(try s3.keys("www").contains("site/old.txt"))
        }
    }

    @Test func aFailedUploadFailsTheJobAndLeavesWhatIsLive() async throws {
        let s3 = try MotoS3()
        defer { s3.stop() }
        try await TestFerry.run { client, engine, temp in
            let repo = try GitRepo(in: temp)
            try repo.commit(["public/index.html": "one"])
            try await client.apply(siteWorkload("nobucket", repo: repo))
            _ = try await client.run("nobucket")
            let live = engine.activator.liveBuildID(workload: "nobucket")
            try await client.apply(Self.workload("nobucket", repo: repo, endpoint: s3.endpoint, bucket: "missing-bucket"))
            let job = try await client.run("nobucket")
            #expect(job["state"] == .string("failed"))
            let message = job["message"]?.stringValue ?? ""
            #expect(message.contains("publish.0 (s3://missing-bucket/site/)") && message.contains("404") && message.contains("NoSuchBucket"), "\(message)")
            #expect(!message.contains("Signature") && !message.contains("S3_SECRET"))
            #expect(engine.activator.liveBuildID(workload: "nobucket") == live)
            #expect(try await client.page("/sites/nobucket/").1 == "one")
        }
    }
}

import FerryCore
import FerryEngine
import FerryServer
import FerryTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PluginTestKit
import Testing

/// A workload with `access: token` serves only to callers whose token covers it, in the form
/// curl, Composer and npm send: Basic with the token as password, or Bearer.
@Suite(.offPool) struct SurfaceAccessTests {
    @Test func aPrivateSiteNeedsAReadTokenForIt() async throws {
        try await TestFerry.run(configure: { $0.auth.mode = .token }) { client, engine, temp in
            let repo = try GitRepo(in: temp)
            try repo.commit(["public/index.html": "secret page"])
            let document = siteWorkload("private", repo: repo) + "\naccess: token\n"
            _ = try engine.apply(try WorkloadFile.parse(document, fileName: "private.yaml")[0].value)
            _ = try engine.apply(try WorkloadFile.parse(siteWorkload("open", repo: repo), fileName: "open.yaml")[0].value)
            let (_, admin) = try engine.access.createToken(name: "root", role: .admin)
            for name in ["private", "open"] {
                let run = try await client.raw.execute(
                    uri: "/api/workloads/\(name)/actions/deploy", method: .post,
                    headers: [.authorization: "Bearer \(admin)", .contentType: "application/json"], body: .init(string: "{}"))
                #expect(run.status == .accepted)
            }
            try await waitUntilLive(engine, "private")
            try await waitUntilLive(engine, "open")
            let (_, reader) = try engine.access.createToken(name: "fans", role: .reader, scope: try WorkloadScope(parsing: "private"))
            let (_, other) = try engine.access.createToken(name: "others", role: .reader, scope: try WorkloadScope(parsing: "wp-*"))
            func basic(_ token: String) -> HTTPFields {
                [.authorization: "Basic " + Data("any:\(token)".utf8).base64EncodedString()]
            }

            let anonymous = try await client.get("/sites/private/")
            #expect(anonymous.status == .unauthorized)
            #expect(anonymous.headers[.wwwAuthenticate]?.hasPrefix("Basic") == true)
            #expect(!String(buffer: anonymous.body).contains("secret page"))
            let allowed = try await client.get("/sites/private/", headers: basic(reader))
            #expect(allowed.status == .ok)
            #expect(String(buffer: allowed.body).contains("secret page"))
            #expect(try await client.get("/sites/private/", headers: [.authorization: "Bearer \(reader)"]).status == .ok)
            #expect(try await client.get("/sites/private/", headers: basic(other)).status == .forbidden)
            #expect(try await client.get("/sites/open/").status == .ok)
            // A read token reads what is served, never the API.
            #expect(try await client.get("/api/workloads", headers: basic(reader)).status == .forbidden)
        }
    }

    private func waitUntilLive(_ engine: Engine, _ name: String) async throws {
        for _ in 0..<600 {
            if engine.liveBuild(name) != nil { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        Issue.record("\(name) never went live")
    }
}

import FerryCore
import FerryTestSupport
import Foundation
import PluginTestKit
import Testing

/// A page on another site can make a browser post a form or `text/plain` body without asking;
/// the API takes state-changing bodies only as JSON or YAML, so such a post changes nothing.
@Suite(.offPool) struct APIContentTypeTests {
    @Test func aTextPlainApplyIsRefusedWith415AndNothingIsStored() async throws {
        try await TestFerry.run { client, engine, temp in
            let repo = try GitRepo(in: temp)
            try repo.commit(["public/index.html": "home"])
            for type in ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"] {
                let response = try await client.send(.post, "/api/apply", siteWorkload("site", repo: repo), contentType: type)
                #expect(response.status == .unsupportedMediaType, "\(type)")
                let error = try client.decode(response)["error"]
                #expect(error?["code"] == .string("unsupported_media_type"))
                #expect(error?["message"]?.stringValue?.contains("JSON or YAML") == true)
            }
            #expect(try engine.database.workloads().isEmpty)
        }
    }

    @Test func jsonAndYAMLTypesAreAccepted() async throws {
        try await TestFerry.run { client, _, temp in
            let repo = try GitRepo(in: temp)
            try repo.commit(["public/index.html": "home"])
            for (name, type) in [("a", "application/yaml"), ("b", "application/x-yaml"), ("c", "text/yaml; charset=utf-8"), ("d", "application/json")] {
                let response = try await client.send(.post, "/api/apply", siteWorkload(name, repo: repo), contentType: type)
                #expect(response.status == .ok, "\(type): \(String(buffer: response.body))")
            }
        }
    }

    @Test func bodylessActionsAndWebhooksAreNotAffected() async throws {
        try await TestFerry.run { client, _, temp in
            let repo = try GitRepo(in: temp)
            try repo.commit(["public/index.html": "home"])
            try await client.apply(siteWorkload("site", repo: repo))
            #expect(try await client.send(.post, "/api/workloads/site/suspend").status == .ok)
            let hook = try await client.send(.post, "/hooks/nothing", "payload=x", contentType: "application/x-www-form-urlencoded")
            #expect(hook.status != .unsupportedMediaType)
        }
    }
}

import FerryCore
import FerryTestSupport
import Foundation
import PluginTestKit
import Testing

/// Bad input is refused with a 4xx naming the field or line, and nothing stored changes.
@Suite(.offPool) struct BadInputTests {
    static let cases: [(String, String, String)] = [
        ("unknown kind", "name: a\nsource: { kind: ftp-site, config: {} }", "source.kind: unknown source kind \"ftp-site\""),
        ("missing required", "name: a\nsource: { kind: static-site, config: { branch: main } }", "source.config.repo: required"),
        ("wrong type", "name: a\nsource: { kind: static-site, config: { repo: \"file:///x\", branch: 5 } }", "source.config.branch: expected string, got integer"),
        ("invalid YAML", "name: a\nsource:\n  kind: [static-site\n", "flow sequence that starts at line 3"),
        ("bad name", "name: Not_Valid\nsource: { kind: static-site, config: { repo: \"file:///x\" } }", "name:"),
        ("unknown field", "name: a\nsorce: {}\n", "sorce: unknown field"),
        ("bad trigger", "name: a\nsource: { kind: static-site, config: { repo: \"http://127.0.0.1:9/x.git\" } }\ntriggers: [ { kind: carrier-pigeon } ]", "triggers.0.kind"),
    ]

    @Test(arguments: cases)
    func badDocumentIsRefusedAndNothingChanges(label: String, document: String, expected: String) async throws {
        try await TestFerry.run { client, _, temp in
            let repo = try GitRepo(in: temp)
            try repo.commit(["public/index.html": "x"])
            try await client.apply(siteWorkload("existing", repo: repo))
            let before = try await client.json("/api/workloads")

            let response = try await client.send(.post, "/api/apply", document + "\n---\n" + siteWorkload("second", repo: repo), contentType: "application/yaml")
            #expect(response.status == .badRequest, "\(label)")
            let error = try client.decode(response)
            #expect(error[path: "error.message"].plainText.contains(expected), "\(label): \(error)")
            #expect(error[path: "error.code"] == .string("invalid_input"))

            #expect(try await client.json("/api/workloads") == before, "\(label): stored workloads changed")
        }
    }

    @Test func putWithABadBodyKeepsTheStoredSpec() async throws {
        try await TestFerry.run { client, _, temp in
            let repo = try GitRepo(in: temp)
            try await client.apply(siteWorkload("stay", repo: repo))
            let before = try await client.json("/api/workloads/stay")
            let response = try await client.send(.put, "/api/workloads/stay", #"{"source": {"kind": "static-site", "config": {"repo": 12}}}"#)
            #expect(response.status == .badRequest)
            #expect(try client.decode(response)[path: "error.field"] == .string("source.config.repo"))
            #expect(try await client.json("/api/workloads/stay") == before)
        }
    }

    @Test func unknownActionAndWorkloadAreNotFound() async throws {
        try await TestFerry.run { client, _, temp in
            let repo = try GitRepo(in: temp)
            try await client.apply(siteWorkload("w", repo: repo))
            #expect(try await client.send(.post, "/api/workloads/w/actions/explode", "{}").status == .notFound)
            #expect(try await client.send(.post, "/api/workloads/ghost/actions/deploy", "{}").status == .notFound)
            let bad = try await client.send(.post, "/api/workloads/w/actions/deploy", #"{"params": {"commit": "not-hex"}}"#)
            #expect(bad.status == .badRequest)
            #expect(try client.decode(bad)[path: "error.field"] == .string("params.commit"))
            #expect(try await client.json("/api/jobs") == .array([]))
        }
    }
}

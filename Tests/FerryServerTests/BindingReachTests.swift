import FerryCore
import FerryEngine
import FerryServer
import Foundation
import HTTPTypes
import HummingbirdTesting
import PluginTestKit
import Testing

/// A binding is a way to spend a workload's secrets (a registry-poll `auth.env`), so who may
/// create one and what it may read is part of the trust boundary: only a caller who may manage
/// every workload creates bindings, and a binding reads the env of the workloads it targets only.
@Suite(.offPool) struct BindingReachTests {
    static let workloads = """
        [{"name": "site", "source": {"kind": "static-site", "config": {"repo": "https://example.invalid/site.git"}}},
         {"name": "wp-a", "source": {"kind": "static-site", "config": {"repo": "https://example.invalid/wp-a.git"}}}]
        """
    static let reachingBinding = """
        {"kind": "registry-poll", "config": {"interval": "1h", "npm": {"registry": "http://127.0.0.1:9/", "package": "left-pad"},
         "auth": {"env": "NPM_TOKEN"}}, "workloads": [{"name": "wp-a", "action": "deploy"}]}
        """

    func headers(_ token: String) -> HTTPFields { [.authorization: "Bearer \(token)", .contentType: "application/json"] }

    @Test func onlyACallerOverEveryWorkloadCreatesBindingsAndABindingReadsOnlyItsTargetsEnv() async throws {
        try await TestFerry.run(configure: { $0.auth.mode = .token }) { client, engine, _ in
            for document in try JSONDecoder().decode([JSONValue].self, from: Data(Self.workloads.utf8)) { _ = try engine.apply(document) }
            _ = try engine.setEnv(workload: "site", key: "NPM_TOKEN", value: "npm_s3cret", secret: true)
            let (_, admin) = try engine.access.createToken(name: "root", role: .admin)
            let (_, scopedAdmin) = try engine.access.createToken(name: "wp-admin", role: .admin, scope: try WorkloadScope(parsing: "wp-*"))
            let (_, ops) = try engine.access.createToken(name: "wp-ops", role: .operator, scope: try WorkloadScope(parsing: "wp-*"))

            for token in [ops, scopedAdmin] {
                let refused = try await client.raw.execute(
                    uri: "/api/bindings", method: .post, headers: headers(token), body: .init(string: Self.reachingBinding))
                #expect(refused.status == .forbidden, "\(String(buffer: refused.body))")
            }
            #expect(try engine.database.bindings().isEmpty, "a refused binding is not stored")

            let created = try await client.raw.execute(
                uri: "/api/bindings", method: .post, headers: headers(admin), body: .init(string: Self.reachingBinding))
            #expect(created.status == .created, "\(String(buffer: created.body))")
            let binding = try #require(try engine.database.bindings().first)
            var status: JSONValue?
            for _ in 0..<100 {
                status = engine.watchStatus(of: binding)
                if status?["error"] != nil { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            let error = try #require(status?["error"]?.stringValue, "the watcher reports why it cannot poll: \(String(describing: status))")
            #expect(error.contains("config.auth.env"), "wp-a has no NPM_TOKEN; site's is out of reach: \(error)")
            #expect(!error.contains("npm_s3cret"))
        }
    }
}

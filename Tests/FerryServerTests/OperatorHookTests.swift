import FerryCore
import FerryEngine
import FerryServer
import FerryTestSupport
import Foundation
import PluginTestKit
import Testing

/// Operator hooks: existing scripts run as steps of an action's job, under `hooks.allow` only.
@Suite(.offPool) struct OperatorHookTests {
    static func script(_ folder: URL, _ name: String, _ body: String) throws -> String {
        let url = folder.appendingPathComponent(name)
        try Data("#!/bin/sh\n\(body)\n".utf8).write(to: url)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path)
        return url.path
    }

    static func run(_ body: @escaping @Sendable (TestFerry.Client, Engine, URL, URL) async throws -> Void) async throws {
        let hooksFolder = try TempDir()
        try await TestFerry.run(configure: { $0.hookRoots = [hooksFolder.url.path] }) { client, engine, temp in
            try await body(client, engine, temp, hooksFolder.url)
        }
    }

    @Test func beforeAndAfterHooksRunWithTheJobsEnvAndTheirOwnLogSection() async throws {
        try await Self.run { client, _, temp, hooks in
            let repo = try GitRepo(in: temp)
            try repo.commit(["public/index.html": "hooked"])
            let seen = temp.appendingPathComponent("seen.txt")
            let before = try Self.script(hooks, "check.sh", "echo checking $1\necho \"$FERRY_WORKLOAD $FERRY_ACTION $MODE $FERRY_HOOK_PHASE\" > \(seen.path)")
            let after = try Self.script(hooks, "announce.sh", "echo announced; ls \"$FERRY_BUILD_DIR\"")
            try await client.apply(siteWorkload("hooked", repo: repo) + """

                env: { MODE: careful }
                hooks:
                  deploy:
                    before: [ { run: "\(before)", args: [quickly], timeout: 30s } ]
                    after: [ "\(after)" ]
                """)
            let job = try await client.run("hooked")
            #expect(job["state"] == .string("succeeded"), "\(job)")
            let log = try await client.log(job["id"]!.plainText)
            #expect(log.contains("── hook before deploy #1: \(before) quickly ──"), "\(log)")
            #expect(log.contains("│ checking quickly"))
            #expect(log.contains("── hook after deploy #1: \(after) ──") && log.contains("│ announced") && log.contains("│ index.html"))
            #expect(try String(contentsOf: seen, encoding: .utf8) == "hooked deploy careful before\n")
            #expect(try await client.page("/sites/hooked/").1 == "hooked")
        }
    }

    @Test func aFailingBeforeHookChangesNothingAndAHangingOneIsKilledAtItsTimeout() async throws {
        try await Self.run { client, engine, temp, hooks in
            let repo = try GitRepo(in: temp)
            try repo.commit(["public/index.html": "one"])
            try await client.apply(siteWorkload("guarded", repo: repo))
            #expect(try await client.run("guarded")["state"] == .string("succeeded"))
            let builds = try engine.database.builds(workload: "guarded").count

            let refuse = try Self.script(hooks, "refuse.sh", "echo not today >&2\nexit 3")
            try await client.apply(siteWorkload("guarded", repo: repo) + "\nhooks: { deploy: { before: [\"\(refuse)\"] } }")
            try repo.commit(["public/index.html": "two"])
            let refused = try await client.run("guarded")
            #expect(refused["state"] == .string("failed"))
            #expect(refused["message"]?.stringValue?.contains("hook before deploy #1 failed") == true && refused["message"]?.stringValue?.contains("nothing was changed") == true, "\(refused)")
            #expect(try await client.page("/sites/guarded/").1 == "one")
            #expect(try engine.database.builds(workload: "guarded").count == builds, "no build was made")

            let marker = temp.appendingPathComponent("still-running")
            let hang = try Self.script(hooks, "hang.sh", "sleep 30\ntouch \(marker.path)")
            try await client.apply(siteWorkload("guarded", repo: repo) + "\nhooks: { deploy: { before: [ { run: \"\(hang)\", timeout: 1s } ] } }")
            let started = Date()
            let hung = try await client.run("guarded")
            #expect(hung["state"] == .string("failed"))
            #expect(hung["message"]?.stringValue?.contains("did not finish within 1.0 s and was killed") == true, "\(hung)")
            #expect(Date().timeIntervalSince(started) < 20)
            try await Task.sleep(for: .seconds(1))
            #expect(!FileManager.default.fileExists(atPath: marker.path), "the script's children were killed too")
        }
    }

    @Test func aFailingAfterHookFailsTheJobButTheBuildStaysLive() async throws {
        try await Self.run { client, _, temp, hooks in
            let repo = try GitRepo(in: temp)
            try repo.commit(["public/index.html": "live anyway"])
            let broken = try Self.script(hooks, "broken.sh", "exit 1")
            try await client.apply(siteWorkload("after", repo: repo) + "\nhooks: { deploy: { after: [\"\(broken)\"] } }")
            let job = try await client.run("after")
            #expect(job["state"] == .string("failed"))
            #expect(job["message"]?.stringValue?.contains("; but hook after deploy #1 failed") == true, "\(job)")
            #expect(try await client.page("/sites/after/").1 == "live anyway")
        }
    }

    @Test func hooksOutsideTheAllowedFoldersOrForUnknownActionsAreRefusedAtApply() async throws {
        try await Self.run { client, _, temp, hooks in
            let repo = try GitRepo(in: temp)
            let outside = try Self.script(temp, "outside.sh", "true")
            let inside = try Self.script(hooks, "inside.sh", "true")
            for (extra, field) in [
                ("hooks: { deploy: { before: [\"\(outside)\"] } }", "hooks.deploy.before.0.run"),
                ("hooks: { deplyo: { before: [\"\(inside)\"] } }", "hooks.deplyo"),
                ("hooks: { deploy: { before: [ { run: relative.sh } ] } }", "hooks.deploy.before.0.run"),
                ("hooks: { deploy: { before: [ { run: \"\(inside)\", timeout: forever } ] } }", "hooks.deploy.before.0.timeout"),
            ] {
                let response = try await client.send(.post, "/api/apply", siteWorkload("refused", repo: repo) + "\n" + extra, contentType: "application/yaml")
                #expect(response.status == .badRequest, "\(extra)")
                #expect(try client.decode(response)[path: "error.field"] == .string(field), "\(extra): \(String(buffer: response.body))")
            }
            #expect(try await client.get("/api/workloads/refused").status == .notFound)
        }
    }
}

import FerryCore
import FerryTestSupport
import Foundation
import Testing

/// The `ferry` CLI against a real `ferry serve`: what an operator types, and the exit codes
/// scripts rely on.
@Suite(.serialized) struct CLIWorkflowTests {
    @Test func applyRunWaitRollbackDescribeDelete() throws {
        let temp = try TempDir()
        let repo = try GitRepo(in: temp.url)
        try repo.commit(["public/index.html": "one"])
        let ferry = try FerryProcess(dataDirectory: temp.url.appendingPathComponent("data"))
        try ferry.start()
        defer { ferry.stop() }
        let file = temp.url.appendingPathComponent("site.yaml")
        try Data("""
            name: cli
            source:
              kind: static-site
              config: { repo: "\(repo.url)", folder: public }
            triggers: [ { kind: manual, action: deploy } ]
            """.utf8).write(to: file)

        let created = try ferry.cli("apply", "-f", file.path)
        #expect(created.status == 0, "\(created.stderr)")
        #expect(created.stdout.contains("workload/cli created (generation 1)"))
        #expect(try ferry.cli("apply", "-f", file.path).stdout.contains("workload/cli unchanged (generation 1)"))

        let first = try ferry.cli("run", "cli", "deploy", "--wait")
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("progress 100%"))
        #expect(first.stderr.contains("succeeded"))

        try repo.commit(["public/index.html": "two"])
        #expect(try ferry.cli("run", "cli", "deploy", "--wait").status == 0)
        #expect(try fetch("\(ferry.server)/sites/cli/") == "two")

        let rollback = try ferry.cli("rollback", "cli")
        #expect(rollback.status == 0, "\(rollback.stderr)")
        #expect(try fetch("\(ferry.server)/sites/cli/") == "one")

        let described = try ferry.cli("describe", "workload", "cli")
        #expect(described.stdout.contains("Health:      healthy"))
        #expect(described.stdout.contains("rollback"))

        let jobs = try ferry.cli("get", "jobs", "-o", "json")
        guard case .array(let list) = try JSONDecoder().decode(JSONValue.self, from: Data(jobs.stdout.utf8)) else {
            Issue.record("get jobs -o json is not a JSON list"); return
        }
        // The reconciler deployed on apply, then two `run --wait`s: all of them ended well.
        #expect(list.count >= 2)
        #expect(list.allSatisfy { $0["state"] == .string("succeeded") }, "\(list)")
        let logs = try ferry.cli("logs", list[0]["id"]!.plainText)
        #expect(logs.stdout.contains("$ git fetch"))

        let suspended = try ferry.cli("suspend", "workload", "cli")
        #expect(suspended.stdout.contains("workload/cli suspended"), "\(suspended.stderr)")
        let suspendedJSON = try JSONDecoder().decode(JSONValue.self, from: Data(try ferry.cli("describe", "workload", "cli", "-o", "json").stdout.utf8))
        #expect(suspendedJSON[path: "spec.suspend"] == JSONValue.bool(true))
        #expect(try ferry.cli("resume", "workload", "cli").status == 0)
        #expect(try ferry.cli("suspend", "binding", "ghost").status == 3)

        #expect(try ferry.cli("delete", "workload", "cli").status == 0)
        #expect(try ferry.cli("get", "workloads").stdout.contains("cli ") == false)
    }

    @Test func failuresExitNonZeroWithAOneLineReason() throws {
        let temp = try TempDir()
        let repo = try GitRepo(in: temp.url)
        try repo.commit(["public/index.html": "x"])
        let ferry = try FerryProcess(dataDirectory: temp.url.appendingPathComponent("data"))
        try ferry.start()
        defer { ferry.stop() }

        let badYAML = temp.url.appendingPathComponent("bad.yaml")
        try Data("name: x\nsource:\n  kind: [static-site\n".utf8).write(to: badYAML)
        let yaml = try ferry.cli("apply", "-f", badYAML.path)
        #expect(yaml.status == 2)
        #expect(yaml.stderr.hasPrefix("error: bad.yaml: invalid YAML at line"))

        let unknown = try FerryProcess.run(["apply", "-f", "-", "--server", ferry.server], stdin: "name: x\nsource: { kind: ftp }\n")
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("source.kind: unknown source kind \"ftp\""))
        #expect(try ferry.cli("get", "workloads").stdout.split(separator: "\n").count == 1, "nothing was stored")

        let broken = temp.url.appendingPathComponent("broken.yaml")
        try Data("name: broken\nsource: { kind: static-site, config: { repo: \"\(repo.url)\", branch: nope } }\n".utf8).write(to: broken)
        #expect(try ferry.cli("apply", "-f", broken.path).status == 0)
        let failed = try ferry.cli("run", "broken", "deploy", "--wait")
        #expect(failed.status == 1)
        #expect(failed.stderr.contains("failed: branch \"nope\" not found"))

        #expect(try ferry.cli("describe", "workload", "ghost").status == 3)
        let unreachable = try FerryProcess.run(["get", "workloads", "--server", "http://127.0.0.1:1"])
        #expect(unreachable.status == 6)
        #expect(unreachable.stderr.contains("cannot reach the Ferry server"))
    }
}

/// GETs a URL's body as text.
func fetch(_ url: String) throws -> String {
    try Shell.run(["curl", "-sS", "--max-time", "10", url])
}

import FerryCore
import FerryTestSupport
import Foundation
import Testing

/// The CLI where people expect it: options before the verb, a version, deploys of every
/// workload, and a progress bar on a terminal with plain lines when piped.
@Suite(.serialized) struct CLIHabitsTests {
    @Test func globalOptionsBeforeTheVerbVersionsAndDeploysOfEveryWorkload() throws {
        let temp = try TempDir()
        let repo = try GitRepo(in: temp.url)
        try repo.commit(["public/index.html": "one"])
        let ferry = try FerryProcess(dataDirectory: temp.url.appendingPathComponent("data"))
        try ferry.start()
        defer { ferry.stop() }
        for name in ["alpha", "beta"] {
            let file = temp.url.appendingPathComponent("\(name).yaml")
            try Data("name: \(name)\nsource: { kind: static-site, config: { repo: \"\(repo.url)\", folder: public } }\n".utf8).write(to: file)
            #expect(try FerryProcess.run(["--server", ferry.server, "apply", "-f", file.path]).status == 0)
            let run = try FerryProcess.run(["--server=\(ferry.server)", "-o", "json", "run", name, "deploy", "--wait"])
            #expect(run.status == 0, "\(run.stderr)")
        }

        let jobs = try FerryProcess.run(["--server", ferry.server, "-o", "json", "get", "jobs"])
        #expect(jobs.status == 0, "\(jobs.stderr)")
        #expect(try JSONDecoder().decode(JSONValue.self, from: Data(jobs.stdout.utf8)).arrayValue?.isEmpty == false)

        let deploys = try FerryProcess.run(["--server", ferry.server, "get", "deploys"])
        #expect(deploys.status == 0, "\(deploys.stderr)")
        let rows = deploys.stdout.split(separator: "\n").dropFirst()
        #expect(rows.contains { $0.contains(" alpha ") } && rows.contains { $0.contains(" beta ") }, "\(deploys.stdout)")
        let one = try FerryProcess.run(["get", "deploys", "-w", "beta", "--limit", "1", "-o", "json", "--server", ferry.server])
        let list = try JSONDecoder().decode(JSONValue.self, from: Data(one.stdout.utf8)).arrayValue ?? []
        #expect(list.count == 1 && list.first?["workload"] == .string("beta"), "\(one.stdout)")

        let version = try FerryProcess.run(["--server", ferry.server, "version"])
        #expect(version.stdout.contains("client: \(FerryVersion.current)") && version.stdout.contains("server: \(FerryVersion.current)"), "\(version.stdout)")
        #expect(try FerryProcess.run(["--version"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines) == FerryVersion.current)
        let down = try FerryProcess.run(["version", "--server", "http://127.0.0.1:9"])
        #expect(down.status == 0 && down.stdout.contains("server: unreachable"), "\(down.stdout)")

        // An option the verb does not take is still refused, by name.
        let refused = try FerryProcess.run(["--server", ferry.server, "npm", "keygen", "--bogus"])
        #expect(refused.status != 0 && refused.stderr.contains("--bogus"), "\(refused.stderr)")
    }

    @Test func waitDrawsABarOnATerminalAndPlainLinesWhenPiped() throws {
        let temp = try TempDir()
        let repo = try GitRepo(in: temp.url)
        try repo.commit(["public/index.html": "one"])
        let ferry = try FerryProcess(dataDirectory: temp.url.appendingPathComponent("data"))
        try ferry.start()
        defer { ferry.stop() }
        let file = temp.url.appendingPathComponent("site.yaml")
        try Data("name: bar\nsource: { kind: static-site, config: { repo: \"\(repo.url)\", folder: public } }\n".utf8).write(to: file)
        #expect(try ferry.cli("apply", "-f", file.path).status == 0)

        let piped = try ferry.cli("run", "bar", "deploy", "--wait")
        #expect(piped.stdout.contains(" progress 100% ") && !piped.stdout.contains("\u{1B}["), "piped: every log line as it is")

        // `script` gives the CLI a real terminal, as a person's shell does.
        let command = [FerryProcess.binary.path, "run", "bar", "deploy", "--wait", "--server", ferry.server].joined(separator: " ")
        let terminal = try FerryProcess.runTool("/usr/bin/script", ["-qec", command, "/dev/null"], environment: ["COLUMNS": "100"])
        #expect(terminal.status == 0, "\(terminal.stdout)")
        #expect(terminal.stdout.contains("[####################] 100% "), "\(terminal.stdout)")
        #expect(terminal.stdout.contains("\r\u{1B}[K"), "the bar is redrawn in place")
        #expect(!terminal.stdout.contains(" progress 100% "), "progress lines become the bar")
        #expect(terminal.stdout.contains("$ git"), "the other log lines still show")
    }
}

/// `logFormat: json` for log shippers.
@Suite struct ServerLogFormatTests {
    @Test func theServerLogIsOneJSONObjectPerLine() throws {
        let temp = try TempDir()
        let ferry = try FerryProcess(dataDirectory: temp.url.appendingPathComponent("data"))
        ferry.extraConfig = "logFormat: json\n"
        try ferry.start()
        defer { ferry.stop() }
        let lines = ferry.startupLog.split(separator: "\n").filter { !$0.isEmpty }
        #expect(!lines.isEmpty)
        for line in lines {
            let entry = try JSONDecoder().decode(JSONValue.self, from: Data(line.utf8))
            #expect(entry["level"]?.stringValue != nil && entry["time"]?.stringValue != nil && entry["logger"]?.stringValue != nil, "\(line)")
        }
        #expect(lines.contains { $0.contains("listening on") })

        let bad = temp.url.appendingPathComponent("bad.yaml")
        try Data("logFormat: xml\n".utf8).write(to: bad)
        let refused = try FerryProcess.run(["serve", "--config", bad.path, "--data", temp.url.appendingPathComponent("other").path])
        #expect(refused.status != 0 && refused.stderr.contains("logFormat"), "\(refused.stderr)")
    }
}

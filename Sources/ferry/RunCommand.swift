import ArgumentParser
import FerryCore
import Foundation

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Start an action on a workload; with --wait, follow its log and exit with its outcome.")

    @OptionGroup var options: ClientOptions
    @Argument(help: "The workload.") var workload: String
    @Argument(help: "The action (every source has deploy).") var action: String
    @Option(name: .long, help: "An action parameter as key=value (repeatable).") var param: [String] = []
    @Flag(help: "Follow the job's log and exit 0 only if it succeeds.") var wait = false

    func validate() throws {
        for p in param where !p.contains("=") { throw ValidationError("--param expects key=value, got \"\(p)\"") }
    }

    func run() async throws {
        try await CLIOutput.guarded {
            let client = options.client
            let params = try await typedParams(client)
            let data = try await client.post("/api/workloads/\(workload.pathEncoded)/actions/\(action.pathEncoded)", json: .object(["params": params]))
            let job = try CLIOutput.decode(data)
            let id = job["id"]!.plainText
            if !wait {
                if options.output == .json { CLIOutput.printJSON(data) } else { print("job/\(id) queued") }
                return
            }
            FileHandle.standardError.write(Data("job/\(id) queued; following its log\n".utf8))
            let final = try await JobFollower(client: client).follow(id)
            if options.output == .json { CLIOutput.printJSON(try await client.get("/api/jobs/\(id)")) }
            try JobFollower.exit(for: final)
        }
    }

    /// Turns `key=value` strings into the types the action's parameter schema declares, so
    /// `--param limit=5` arrives as a number and `--param commit=1234567` as a string.
    private func typedParams(_ client: APIClient) async throws -> JSONValue {
        guard !param.isEmpty else { return .object([:]) }
        let w = try CLIOutput.decode(try await client.get("/api/workloads/\(workload.pathEncoded)"))
        let kinds = try CLIOutput.decode(try await client.get("/api/kinds"))
        var schema: JSONValue = .null
        if case .array(let sources) = kinds["sources"] ?? .null,
            let source = sources.first(where: { $0["kind"] == w["kind"] }),
            case .array(let actions) = source["actions"] ?? .null,
            let a = actions.first(where: { $0["name"]?.stringValue == action }) {
            schema = a[path: "params.properties"]
        }
        var out: [String: JSONValue] = [:]
        for p in param {
            let key = String(p.prefix { $0 != "=" })
            let raw = String(p.dropFirst(key.count + 1))
            out[key] = switch schema[key]?["type"]?.stringValue {
            case "integer", "number": Double(raw).map(JSONValue.number) ?? .string(raw)
            case "boolean": raw == "true" ? .bool(true) : raw == "false" ? .bool(false) : .string(raw)
            case "array": .array(raw.split(separator: ",").map { .string(String($0)) })
            default: .string(raw)
            }
        }
        return .object(out)
    }
}

/// Follows a job's log to its end and reports how it ended.
struct JobFollower {
    let client: APIClient

    func follow(_ id: String) async throws -> JSONValue {
        var screen = ProgressLine()
        try await client.stream("/api/jobs/\(id.pathEncoded)/log?follow=true") { chunk in
            FileHandle.standardOutput.write(Data(screen.feed(chunk).utf8))
        }
        FileHandle.standardOutput.write(Data(screen.finish().utf8))
        return try CLIOutput.decode(try await client.get("/api/jobs/\(id.pathEncoded)"))
    }

    /// Exit 0 for a job that succeeded; otherwise a one-line reason and a non-zero code.
    static func exit(for job: JSONValue) throws {
        let state = job["state"]?.plainText ?? "unknown"
        guard state == "succeeded" else {
            throw FerryError(.failed, "job \(job["id"]?.plainText ?? "") \(state): \(job["message"]?.plainText ?? "no reason given")")
        }
        FileHandle.standardError.write(Data("job/\(job["id"]!.plainText) succeeded: \(job["message"]?.plainText ?? "")\n".utf8))
    }
}

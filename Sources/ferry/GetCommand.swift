import ArgumentParser
import FerryCore
import Foundation

struct GetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "get", abstract: "List workloads, jobs, deploys, events, bindings or artifacts.")

    enum Resource: String, ExpressibleByArgument, CaseIterable {
        case workloads, jobs, deploys, events, bindings, artifacts
    }

    @OptionGroup var options: ClientOptions
    @Argument(help: "What to list: \(Resource.allCases.map(\.rawValue).joined(separator: ", ")).") var resource: Resource
    @Option(name: .shortAndLong, help: "Only this workload.") var workload: String?
    @Option(name: .long, help: "At most this many rows (jobs, deploys, events).") var limit: Int?

    func validate() throws {
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
    }

    func run() async throws {
        try await CLIOutput.guarded {
            var query: [String] = []
            if let workload, resource != .workloads, resource != .events, resource != .bindings { query.append("workload=\(workload.pathEncoded)") }
            if let limit, [.jobs, .deploys, .events].contains(resource) { query.append("limit=\(limit)") }
            let data = try await options.client.get("/api/\(resource.rawValue)" + (query.isEmpty ? "" : "?" + query.joined(separator: "&")))
            if options.output == .json { return CLIOutput.printJSON(data) }
            guard case .array(let items) = try CLIOutput.decode(data) else { return }
            switch resource {
            case .workloads:
                CLIOutput.table(["NAME", "KIND", "GEN", "OBSERVED", "HEALTH", "LIVE", "REASON"], items.map {
                    [$0["name"]!.plainText, $0["kind"]!.plainText, $0["generation"]!.plainText, $0[path: "status.observedGeneration"].plainText,
                     $0[path: "status.health"].plainText, $0[path: "status.liveRevision"].plainText.prefix(12).description, $0[path: "status.reason"].plainText]
                })
            case .jobs:
                CLIOutput.table(["ID", "WORKLOAD", "ACTION", "STATE", "PROGRESS", "MESSAGE"], items.map {
                    let progress = $0["progress"].map { $0.isNull ? "-" : "\(Int((Double($0.plainText) ?? 0) * 100))%" } ?? "-"
                    return [$0["id"]!.plainText, $0["workload"]!.plainText, $0["action"]!.plainText, $0["state"]!.plainText, progress, $0["message"]?.plainText ?? "-"]
                })
            case .deploys:
                CLIOutput.table(["ID", "WORKLOAD", "KIND", "BUILD", "REVISION", "FROM", "CREATED"], items.map {
                    let origin = $0["promotedFrom"].flatMap { o in
                        o.isNull ? nil : "\(o["workload"]!.plainText) \(o["deployID"]!.plainText) (\(o["buildID"]!.plainText))"
                    }
                    return [$0["id"]!.plainText, $0["workload"]!.plainText, $0["kind"]!.plainText, $0["buildID"]!.plainText,
                            $0[path: "revision.label"].plainText, origin ?? "-", $0["createdAt"]!.plainText]
                })
            case .bindings:
                CLIOutput.table(["ID", "KIND", "WORKLOADS", "SUSPENDED", "HOOK URL"], items.map {
                    let targets: String = if case .array(let t) = $0["workloads"] ?? .null {
                        t.map { "\($0["name"]!.plainText):\($0["action"]!.plainText)" }.joined(separator: ",")
                    } else { "-" }
                    return [$0["id"]!.plainText, $0["kind"]!.plainText, targets, $0["suspend"]!.plainText, $0["hookURL"]?.plainText ?? "-"]
                })
            case .artifacts:
                CLIOutput.table(["ID", "WORKLOAD", "NAME", "SIZE", "SHA256", "CREATED"], items.map { item in
                    ["id", "workload", "name", "size", "sha256", "createdAt"].map { item[$0]?.plainText ?? "-" }
                })
            case .events:
                CLIOutput.table(["ID", "KIND", "OUTCOME", "RECEIVED", "SUMMARY"], items.map {
                    [$0["id"]!.plainText, $0["kind"]!.plainText, $0["outcome"]!.plainText, $0["receivedAt"]!.plainText,
                     $0["summary"]!.plainText + ($0["reason"].map { $0.isNull ? "" : " (\($0.plainText))" } ?? "")]
                })
            }
        }
    }
}

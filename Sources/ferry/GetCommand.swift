import ArgumentParser
import FerryCore
import Foundation

struct GetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "get", abstract: "List workloads, jobs, deploys or events.")

    enum Resource: String, ExpressibleByArgument, CaseIterable {
        case workloads, jobs, deploys, events
    }

    @OptionGroup var options: ClientOptions
    @Argument(help: "What to list: \(Resource.allCases.map(\.rawValue).joined(separator: ", ")).") var resource: Resource
    @Option(name: .shortAndLong, help: "Only this workload (required for deploys).") var workload: String?

    func validate() throws {
        if resource == .deploys && workload == nil { throw ValidationError("deploys belong to a workload: add --workload NAME") }
    }

    func run() async throws {
        try await CLIOutput.guarded {
            let path: String = switch resource {
            case .workloads: "/api/workloads"
            case .jobs: "/api/jobs" + (workload.map { "?workload=\($0.pathEncoded)" } ?? "")
            case .deploys: "/api/workloads/\(workload!.pathEncoded)/deploys"
            case .events: "/api/events"
            }
            let data = try await options.client.get(path)
            if options.output == .json { return CLIOutput.printJSON(data) }
            guard case .array(let items) = try CLIOutput.decode(data) else { return }
            switch resource {
            case .workloads:
                CLIOutput.table(["NAME", "KIND", "GEN", "OBSERVED", "HEALTH", "LIVE", "REASON"], items.map {
                    [$0["name"]!.cell, $0["kind"]!.cell, $0["generation"]!.cell, $0[path: "status.observedGeneration"].cell,
                     $0[path: "status.health"].cell, $0[path: "status.liveRevision"].cell.prefix(12).description, $0[path: "status.reason"].cell]
                })
            case .jobs:
                CLIOutput.table(["ID", "WORKLOAD", "ACTION", "STATE", "PROGRESS", "MESSAGE"], items.map {
                    let progress = $0["progress"].map { $0.isNull ? "-" : "\(Int((Double($0.cell) ?? 0) * 100))%" } ?? "-"
                    return [$0["id"]!.cell, $0["workload"]!.cell, $0["action"]!.cell, $0["state"]!.cell, progress, $0["message"]?.cell ?? "-"]
                })
            case .deploys:
                CLIOutput.table(["ID", "KIND", "BUILD", "REVISION", "CREATED"], items.map {
                    [$0["id"]!.cell, $0["kind"]!.cell, $0["buildID"]!.cell, $0[path: "revision.label"].cell, $0["createdAt"]!.cell]
                })
            case .events:
                CLIOutput.table(["ID", "KIND", "OUTCOME", "RECEIVED", "SUMMARY"], items.map {
                    [$0["id"]!.cell, $0["kind"]!.cell, $0["outcome"]!.cell, $0["receivedAt"]!.cell,
                     $0["summary"]!.cell + ($0["reason"].map { $0.isNull ? "" : " (\($0.cell))" } ?? "")]
                })
            }
        }
    }
}

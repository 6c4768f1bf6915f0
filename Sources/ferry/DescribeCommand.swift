import ArgumentParser
import FerryCore
import Foundation

struct DescribeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "describe", abstract: "Show a workload's spec, status, deploys and jobs.")

    enum Kind: String, ExpressibleByArgument { case workload }

    @OptionGroup var options: ClientOptions
    @Argument(help: "workload") var kind: Kind
    @Argument(help: "The workload's name.") var name: String

    func run() async throws {
        try await CLIOutput.guarded {
            let client = options.client
            let workloadData = try await client.get("/api/workloads/\(name.pathEncoded)")
            if options.output == .json { return CLIOutput.printJSON(workloadData) }
            let w = try CLIOutput.decode(workloadData)
            let deploys = try CLIOutput.decode(try await client.get("/api/workloads/\(name.pathEncoded)/deploys"))
            let jobs = try CLIOutput.decode(try await client.get("/api/jobs?workload=\(name.pathEncoded)&limit=5"))
            print("Name:        \(w["name"]!.cell)")
            print("Kind:        \(w["kind"]!.cell)")
            print("URL:         \(options.server.trimmingSuffix("/"))\(w["url"]!.cell)")
            print("Generation:  \(w["generation"]!.cell) (observed \(w[path: "status.observedGeneration"].cell))")
            print("Health:      \(w[path: "status.health"].cell)")
            print("Reason:      \(w[path: "status.reason"].cell)")
            print("Live build:  \(w[path: "status.liveBuildID"].cell) at \(w[path: "status.liveRevision"].cell)")
            print("Parent:      \(w[path: "spec.parent"].cell)")
            print("Config:      \(w[path: "spec.source.config"].cell)")
            if case .object(let env) = w[path: "spec.env"], !env.isEmpty {
                print("Env:         " + env.keys.sorted().map { key in
                    env[key]!["secret"] == .bool(true) ? "\(key)=(secret, set)" : "\(key)=\(env[key]!["value"]?.cell ?? "")"
                }.joined(separator: " "))
            }
            if case .array(let list) = deploys, !list.isEmpty {
                print("\nDeploys:")
                CLIOutput.table(["ID", "KIND", "BUILD", "REVISION", "CREATED"], list.prefix(10).map {
                    [$0["id"]!.cell, $0["kind"]!.cell, $0["buildID"]!.cell, $0[path: "revision.label"].cell, $0["createdAt"]!.cell]
                })
            }
            if case .array(let list) = jobs, !list.isEmpty {
                print("\nRecent jobs:")
                CLIOutput.table(["ID", "ACTION", "STATE", "MESSAGE"], list.map {
                    [$0["id"]!.cell, $0["action"]!.cell, $0["state"]!.cell, $0["message"]?.cell ?? "-"]
                })
            }
        }
    }
}

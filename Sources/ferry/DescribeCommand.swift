import ArgumentParser
import FerryCore
import Foundation

struct DescribeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "describe", abstract: "Show a workload's spec, status, deploys and jobs.")

    @OptionGroup var options: ClientOptions
    @OptionGroup var target: WorkloadArgument
    var name: String { target.name }

    func run() async throws {
        try await CLIOutput.guarded {
            let client = options.client
            let workloadData = try await client.get("/api/workloads/\(name.pathEncoded)")
            if options.output == .json { return CLIOutput.printJSON(workloadData) }
            let w = try CLIOutput.decode(workloadData)
            let deploys = try CLIOutput.decode(try await client.get("/api/workloads/\(name.pathEncoded)/deploys"))
            let jobs = try CLIOutput.decode(try await client.get("/api/jobs?workload=\(name.pathEncoded)&limit=5"))
            print("Name:        \(w["name"]!.plainText)")
            print("Kind:        \(w["kind"]!.plainText)")
            print("URL:         \(options.server.trimmingSuffix("/"))\(w["url"]!.plainText)")
            print("Generation:  \(w["generation"]!.plainText) (observed \(w[path: "status.observedGeneration"].plainText))")
            print("Health:      \(w[path: "status.health"].plainText)")
            print("Reason:      \(w[path: "status.reason"].plainText)")
            print("Live build:  \(w[path: "status.liveBuildID"].plainText) at \(w[path: "status.liveRevision"].plainText)")
            print("Parent:      \(w[path: "spec.parent"].plainText)")
            if case .array(let stages) = w["chain"] ?? .null, !stages.isEmpty {
                print("Chain:       " + stages.map {
                    "\($0["role"]!.plainText) \($0["name"]!.plainText) (build \($0["liveBuildID"]?.plainText ?? "-"))"
                }.joined(separator: ", "))
            }
            print("Config:      \(w[path: "spec.source.config"].plainText)")
            if case .object(let env) = w[path: "spec.env"], !env.isEmpty {
                print("Env:         " + env.keys.sorted().map { key in
                    env[key]!["secret"] == .bool(true) ? "\(key)=(secret, set)" : "\(key)=\(env[key]!["value"]?.plainText ?? "")"
                }.joined(separator: " "))
            }
            if case .array(let list) = deploys, !list.isEmpty {
                print("\nDeploys:")
                CLIOutput.table(["ID", "KIND", "BUILD", "REVISION", "CREATED"], list.prefix(10).map {
                    [$0["id"]!.plainText, $0["kind"]!.plainText, $0["buildID"]!.plainText, $0[path: "revision.label"].plainText, $0["createdAt"]!.plainText]
                })
            }
            if case .array(let list) = jobs, !list.isEmpty {
                print("\nRecent jobs:")
                CLIOutput.table(["ID", "ACTION", "STATE", "MESSAGE"], list.map {
                    [$0["id"]!.plainText, $0["action"]!.plainText, $0["state"]!.plainText, $0["message"]?.plainText ?? "-"]
                })
            }
        }
    }
}

import ArgumentParser
import FerryCore
import Foundation

struct RollbackCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollback", abstract: "Make an earlier verified build live again (default: the one before the live one).")

    @OptionGroup var options: ClientOptions
    @Argument(help: "The workload.") var workload: String
    @Option(help: "The deploy whose build to make live (see `ferry get deploys -w NAME`).") var to: String?

    func run() async throws {
        try await CLIOutput.guarded {
            let body: JSONValue = to.map { .object(["to": .string($0)]) } ?? .object([:])
            let data = try await options.client.post("/api/workloads/\(workload.pathEncoded)/rollback", json: body)
            if options.output == .json { return CLIOutput.printJSON(data) }
            let deploy = try CLIOutput.decode(data)
            print("\(workload): build \(deploy["buildID"]!.plainText) (\(deploy[path: "revision.label"].plainText)) is live; deploy \(deploy["id"]!.plainText)")
        }
    }
}

import ArgumentParser
import FerryCore
import Foundation

struct DeleteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "delete", abstract: "Delete a workload, its builds and its inline triggers.")

    enum Kind: String, ExpressibleByArgument { case workload }

    @OptionGroup var options: ClientOptions
    @Argument(help: "workload") var kind: Kind
    @Argument(help: "The workload's name.") var name: String

    func run() async throws {
        try await CLIOutput.guarded {
            let data = try await options.client.delete("/api/workloads/\(name.pathEncoded)")
            if options.output == .json { return CLIOutput.printJSON(data) }
            print("workload/\(name) deleted")
        }
    }
}

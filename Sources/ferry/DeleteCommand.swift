import ArgumentParser
import FerryCore
import Foundation

struct DeleteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "delete", abstract: "Delete a workload, its builds and its inline triggers.")

    @OptionGroup var options: ClientOptions
    @OptionGroup var target: WorkloadArgument
    var name: String { target.name }

    func run() async throws {
        try await CLIOutput.guarded {
            let data = try await options.client.delete("/api/workloads/\(name.pathEncoded)")
            if options.output == .json { return CLIOutput.printJSON(data) }
            print("workload/\(name) deleted")
        }
    }
}

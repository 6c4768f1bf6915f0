import ArgumentParser
import FerryCore
import Foundation

struct PromoteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "promote", abstract: "Make the parent stage's live build live in CHILD, byte for byte.")

    @OptionGroup var options: ClientOptions
    @Argument(help: "The stage to promote into.") var child: String
    @Option(help: "The stage to promote from (default: CHILD's parent).") var from: String?
    @Flag(help: "Follow the promotion and exit with its outcome.") var wait = false

    func run() async throws {
        try await CLIOutput.guarded {
            let body: JSONValue = from.map { .object(["from": .string($0)]) } ?? .object([:])
            let data = try await options.client.post("/api/workloads/\(child.pathEncoded)/promote", json: body)
            let job = try CLIOutput.decode(data)
            let id = job["id"]!.plainText
            if !wait {
                if options.output == .json { CLIOutput.printJSON(data) } else { print("job/\(id) queued") }
                return
            }
            try JobFollower.exit(for: try await JobFollower(client: options.client).follow(id))
        }
    }
}

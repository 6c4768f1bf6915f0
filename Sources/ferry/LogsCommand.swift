import ArgumentParser
import FerryCore
import Foundation

struct LogsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "logs", abstract: "Print a job's log; -f follows it until the job ends.")

    @OptionGroup var options: ClientOptions
    @Argument(help: "The job id.") var job: String
    @Flag(name: .shortAndLong, help: "Follow the log until the job ends; exit with its outcome.") var follow = false

    func run() async throws {
        try await CLIOutput.guarded {
            if follow {
                try JobFollower.exit(for: try await JobFollower(client: options.client).follow(job))
            } else {
                FileHandle.standardOutput.write(try await options.client.get("/api/jobs/\(job.pathEncoded)/log"))
            }
        }
    }
}

import ArgumentParser
import FerryCore
import Foundation

/// `ferry version`: this client's version and, when the server answers, the server's, so a
/// mismatch is seen before it is debugged.
struct VersionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "version", abstract: "Show the client's and the server's version.")

    @OptionGroup var options: ClientOptions

    func run() async throws {
        let server: String
        do {
            let health = try CLIOutput.decode(try await options.client.get("/api/health"))
            server = health["version"]?.stringValue ?? "unknown (older than 0.9)"
        } catch let error as FerryError {
            server = "unreachable (\(error.message))"
        }
        if options.output == .json {
            let value = JSONValue.object(["client": .string(FerryVersion.current), "server": .string(server), "serverURL": .string(options.server)])
            return CLIOutput.printJSON(try JSONEncoder().encode(value))
        }
        print("client: \(FerryVersion.current)")
        print("server: \(server) at \(options.server)")
    }
}

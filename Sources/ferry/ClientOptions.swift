import ArgumentParser
import Foundation

/// Flags every API-calling verb shares.
struct ClientOptions: ParsableArguments {
    @Option(name: .long, help: "Ferry server URL (or FERRY_SERVER).")
    var server: String = ProcessInfo.processInfo.environment["FERRY_SERVER"] ?? "http://127.0.0.1:8080"

    @Option(name: .shortAndLong, help: "Output format: text or json.")
    var output: OutputFormat = .text

    @Option(name: .long, help: "API token (or FERRY_TOKEN, or the credentials `ferry login` saved).")
    var token: String?

    var client: APIClient {
        APIClient(base: server, token: token ?? ProcessInfo.processInfo.environment["FERRY_TOKEN"] ?? CredentialsFile.token(for: server))
    }
}

enum OutputFormat: String, ExpressibleByArgument, Sendable {
    case text, json
}

/// `workload NAME`, the object of `describe` and `delete` (the kind word leaves room for
/// `describe binding ID` later without changing how commands read).
struct WorkloadArgument: ParsableArguments {
    enum Kind: String, ExpressibleByArgument { case workload }

    @Argument(help: "workload") var kind: Kind
    @Argument(help: "The workload's name.") var name: String
}

import ArgumentParser
import FerryCore
import Foundation

/// `ferry env set|unset|list`: a workload's env. Secrets are encrypted by the server and never
/// shown again; `list` prints them as `(secret, set)`.
struct EnvCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "env", abstract: "Set, unset or list a workload's env entries (secrets are stored encrypted).",
        subcommands: [Set.self, Unset.self, List.self])

    struct Set: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set an env entry; a change bumps the workload's generation and it is redeployed.",
            discussion: "Use KEY=- to read the value from stdin, so a secret need not appear on the command line.")

        @OptionGroup var options: ClientOptions
        @Argument(help: "The workload.") var workload: String
        @Argument(help: "KEY=VALUE, or KEY=- to read the value from stdin.") var assignment: String
        @Flag(help: "Store the value as a secret: encrypted at rest, never shown, redacted from job logs.") var secret = false

        func validate() throws {
            guard let eq = assignment.firstIndex(of: "="), eq != assignment.startIndex else {
                throw ValidationError("expected KEY=VALUE (or KEY=- to read the value from stdin), got \"\(assignment.prefix { $0 != "=" })\"")
            }
        }

        func run() async throws {
            try await CLIOutput.guarded {
                let eq = assignment.firstIndex(of: "=")!
                let key = String(assignment[..<eq])
                var value = String(assignment[assignment.index(after: eq)...])
                if value == "-" {
                    value = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
                    if value.hasSuffix("\r\n") { value.removeLast(2) } else if value.hasSuffix("\n") { value.removeLast() }
                }
                let body: JSONValue = .object(["value": .string(value), "secret": .bool(secret)])
                let data = try await options.client.send(
                    .PUT, "/api/workloads/\(workload.pathEncoded)/env/\(key.pathEncoded)", body: Data(body.canonicalData()),
                    contentType: "application/json")
                if options.output == .json { return CLIOutput.printJSON(data) }
                let entry = try CLIOutput.decode(data)
                print("\(workload): \(key) set\(entry["secret"] == .bool(true) ? " (secret)" : "")")
            }
        }
    }

    struct Unset: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove an env entry.")

        @OptionGroup var options: ClientOptions
        @Argument(help: "The workload.") var workload: String
        @Argument(help: "The env key.") var key: String

        func run() async throws {
            try await CLIOutput.guarded {
                let data = try await options.client.delete("/api/workloads/\(workload.pathEncoded)/env/\(key.pathEncoded)")
                if options.output == .json { return CLIOutput.printJSON(data) }
                print("\(workload): \(key) removed")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List env entries; secrets show as (secret, set).")

        @OptionGroup var options: ClientOptions
        @Argument(help: "The workload.") var workload: String

        func run() async throws {
            try await CLIOutput.guarded {
                let data = try await options.client.get("/api/workloads/\(workload.pathEncoded)/env")
                if options.output == .json { return CLIOutput.printJSON(data) }
                guard case .array(let items) = try CLIOutput.decode(data) else { return }
                CLIOutput.table(["KEY", "VALUE"], items.map {
                    [$0["key"]!.plainText, $0["secret"] == .bool(true) ? "(secret, set)" : $0["value"]?.plainText ?? ""]
                })
            }
        }
    }
}

import ArgumentParser
import FerryCore
import Foundation

/// `ferry user create NAME --role ROLE --password-stdin`: a person who signs in to the UI.
/// The password is read from standard input only, never from the command line (where `ps` and
/// shell history would keep it).
struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user", abstract: "Create or delete UI users.", subcommands: [Create.self, Delete.self])

    struct Create: AsyncParsableCommand {
        @OptionGroup var options: ClientOptions
        @Argument(help: "The user's name.") var name: String
        @Option(help: "viewer, operator or admin.") var role: String
        @Option(help: "Workload name patterns (default: all).") var workloads: String?
        @Flag(help: "Read the password from standard input.") var passwordStdin = false
        @Option(help: "Write into this data directory's store instead of asking a server.") var data: String?

        func run() async throws {
            try await CLIOutput.guarded {
                guard passwordStdin, let password = readLine(strippingNewline: true), !password.isEmpty else {
                    throw FerryError.invalid("password", "pass --password-stdin and the password on standard input")
                }
                let parsed = try Role(parsing: role)
                let scope = try workloads.map { try WorkloadScope(parsing: $0) } ?? .all
                if let data {
                    _ = try TokenCommand.store(data).createUser(name: name, role: parsed, scope: scope, password: password)
                } else {
                    _ = try await options.client.post("/api/users", json: .object([
                        "name": .string(name), "role": .string(role), "workloads": .string(scope.description), "password": .string(password),
                    ]))
                }
                print("user/\(name) created (\(role))")
            }
        }
    }

    struct Delete: AsyncParsableCommand {
        @OptionGroup var options: ClientOptions
        @Argument(help: "The user's name.") var name: String

        func run() async throws {
            try await CLIOutput.guarded {
                _ = try await options.client.delete("/api/users/\(name.pathEncoded)")
                print("user/\(name) deleted")
            }
        }
    }
}

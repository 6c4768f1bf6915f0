import ArgumentParser
import FerryCore
import FerryEngine
import FerryStore
import Foundation

/// `ferry token create|list|revoke`. With `--data DIR` a token is written straight into the
/// store of a stopped (or running) server: how the first admin token comes to exist.
struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token", abstract: "Create, list or revoke API and read tokens.",
        subcommands: [Create.self, List.self, Revoke.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Make a token; its secret is printed once and never again.")
        @OptionGroup var options: ClientOptions
        @Option(help: "The token's name (shown in lists and the event log).") var name: String
        @Option(help: "reader, viewer, operator or admin.") var role: String
        @Option(help: "Workload name patterns it may touch, e.g. wp-* or site-a,site-b (default: all).") var workloads: String?
        @Option(help: "Lifetime, e.g. 90d or 12h (default: no expiry).") var expires: String?
        @Option(help: "Write into this data directory's store instead of asking a server.") var data: String?

        func run() async throws {
            try await CLIOutput.guarded {
                let role = try Role(parsing: role)
                let scope = try workloads.map { try WorkloadScope(parsing: $0) } ?? .all
                let secret: String
                if let data {
                    let expiresIn = try expires.map { try Duration.lifetime($0, field: "expires") }
                    secret = try TokenCommand.store(data).createToken(name: name, role: role, scope: scope, expiresIn: expiresIn).secret
                } else {
                    var body: [String: JSONValue] = ["name": .string(name), "role": .string(role.rawValue), "workloads": .string(scope.description)]
                    if let expires { body["expires"] = .string(expires) }
                    let answer = try CLIOutput.decode(try await options.client.post("/api/tokens", json: .object(body)))
                    secret = answer["secret"]?.stringValue ?? ""
                }
                print("token/\(name) created (\(role.rawValue), workloads \(scope)); its secret, shown only now:")
                print(secret)
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List tokens: name, role, scope, creation, last use, expiry.")
        @OptionGroup var options: ClientOptions
        @Option(help: "Read this data directory's store instead of asking a server.") var data: String?

        func run() async throws {
            try await CLIOutput.guarded {
                let tokens: [AccessToken]
                if let data {
                    tokens = try TokenCommand.store(data).tokens()
                } else {
                    let decoder = JSONDecoder()
                    decoder.dateDecodingStrategy = .iso8601
                    tokens = try decoder.decode([AccessToken].self, from: try await options.client.get("/api/tokens"))
                }
                let f = ISO8601DateFormatter()
                print("NAME\tROLE\tWORKLOADS\tCREATED\tLAST USED\tEXPIRES")
                for t in tokens {
                    print([t.name, t.role.rawValue, t.scope.description, f.string(from: t.createdAt),
                           t.lastUsedAt.map(f.string) ?? "never", t.expiresAt.map(f.string) ?? "never"].joined(separator: "\t"))
                }
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a token at once (its sign-ins end too).")
        @OptionGroup var options: ClientOptions
        @Argument(help: "The token's name.") var name: String
        @Option(help: "Change this data directory's store instead of asking a server.") var data: String?

        func run() async throws {
            try await CLIOutput.guarded {
                if let data { try TokenCommand.store(data).revokeToken(name) } else {
                    _ = try await options.client.delete("/api/tokens/\(name.pathEncoded)")
                }
                print("token/\(name) revoked")
            }
        }
    }

    static func store(_ data: String) throws -> AccessControl {
        let paths = FerryPaths(root: URL(fileURLWithPath: data))
        try FileManager.default.createDirectory(at: paths.root, withIntermediateDirectories: true)
        return AccessControl(database: try FerryDatabase(path: paths.database.path))
    }
}

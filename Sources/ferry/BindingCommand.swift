import ArgumentParser
import FerryCore
import Foundation

/// `ferry binding create|delete|rotate-secret`: shared trigger bindings (list them with
/// `ferry get bindings`).
struct BindingCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "binding", abstract: "Create, delete or rotate the secret of a trigger binding.",
        subcommands: [Create.self, Delete.self, RotateSecret.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a binding from a file: {id?, kind, config, workloads: [{name, action, filters}]}.")
        @OptionGroup var options: ClientOptions
        @Option(name: .shortAndLong, help: "Binding file (YAML or JSON); '-' reads standard input.") var file: String

        func run() async throws {
            try await CLIOutput.guarded {
                let text = file == "-"
                    ? String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
                    : try String(contentsOfFile: file, encoding: .utf8)
                let data = try await options.client.send(.POST, "/api/bindings", body: Data(text.utf8), contentType: "application/yaml")
                if options.output == .json { return CLIOutput.printJSON(data) }
                BindingCommand.show(try CLIOutput.decode(data))
            }
        }
    }

    struct Delete: AsyncParsableCommand {
        @OptionGroup var options: ClientOptions
        @Argument(help: "The binding id.") var id: String

        func run() async throws {
            try await CLIOutput.guarded {
                _ = try await options.client.delete("/api/bindings/\(id.pathEncoded)")
                print("binding/\(id) deleted")
            }
        }
    }

    struct RotateSecret: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "rotate-secret", abstract: "Replace the binding's secret; prints the new one once.")
        @OptionGroup var options: ClientOptions
        @Argument(help: "The binding id.") var id: String

        func run() async throws {
            try await CLIOutput.guarded {
                let data = try await options.client.post("/api/bindings/\(id.pathEncoded)/rotate-secret")
                if options.output == .json { return CLIOutput.printJSON(data) }
                BindingCommand.show(try CLIOutput.decode(data))
            }
        }
    }

    /// Prints a binding; its secret only when the server just made one (shown once).
    static func show(_ binding: JSONValue) {
        print("binding/\(binding["id"]!.plainText) (\(binding["kind"]!.plainText))")
        if let url = binding["hookURL"]?.stringValue { print("hook URL: \(url)") }
        if let secret = binding["secret"]?.stringValue { print("secret:   \(secret)   (shown once; store it in the sender's webhook settings)") }
    }
}

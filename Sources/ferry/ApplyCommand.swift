import ArgumentParser
import FerryCore
import Foundation

struct ApplyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply", abstract: "Create or update workloads from YAML or JSON files (idempotent).")

    @OptionGroup var options: ClientOptions
    @Option(name: .shortAndLong, help: "Workload file (YAML or JSON, one or many documents); '-' reads standard input.")
    var file: [String]

    func validate() throws {
        if file.isEmpty { throw ValidationError("give at least one file with -f") }
    }

    func run() async throws {
        try await CLIOutput.guarded {
            for path in file {
                let text: String
                if path == "-" {
                    text = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
                } else {
                    guard let data = FileManager.default.contents(atPath: path) else {
                        throw FerryError(.invalidInput, "\(path): cannot read the file")
                    }
                    text = String(decoding: data, as: UTF8.self)
                }
                let name = path == "-" ? "stdin" : (path as NSString).lastPathComponent
                let data = try await options.client.send(.POST, "/api/apply?file=\(name.pathEncoded)", body: Data(text.utf8), contentType: "application/yaml")
                if options.output == .json { CLIOutput.printJSON(data); continue }
                guard case .array(let results) = try CLIOutput.decode(data) else { continue }
                for result in results {
                    print("workload/\(result[path: "workload.name"].plainText) \(result["result"]?.plainText ?? "") (generation \(result[path: "workload.generation"].plainText))")
                    for (id, secret) in (result["secrets"]?.objectValue ?? [:]).sorted(by: { $0.key < $1.key }) {
                        print("  hook URL: \(result["hooks"]?[id]?.plainText ?? "")")
                        print("  secret:   \(secret.plainText)   (shown once; store it in the sender's webhook settings)")
                    }
                }
            }
        }
    }
}

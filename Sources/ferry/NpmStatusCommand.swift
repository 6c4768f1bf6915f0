import ArgumentParser
import FerryCore
import Foundation
import NpmMirrorSource

/// `ferry npm status --storage DIR`: the offline storage's import history and where it is now.
struct NpmStatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Show which diffs an offline storage has applied, in order.")

    @Option(help: "The Verdaccio storage folder.") var storage: String
    @Option(name: .shortAndLong, help: "Output format: text or json.") var output: NpmApplyCommand.OutputFormat = .text

    func run() async throws {
        try await CLIOutput.guarded {
            let imports = try DiffImportHistory(storage: URL(fileURLWithPath: storage)).imports()
            if output == .json {
                let encoder = JSONEncoder()
                encoder.dateEncodingStrategy = .iso8601
                return CLIOutput.printJSON(try encoder.encode(imports))
            }
            guard let last = imports.last else {
                print("\(storage): no diff applied yet (no .ferry/imports)")
                return
            }
            CLIOutput.table(["APPLIED", "ARCHIVE", "SNAPSHOT", "BASELINE", "TRUST", "FILES", "BYTES"], imports.map { i in
                [i.appliedAt.formatted(.iso8601), i.archive, i.snapshot, i.baseline ?? "-",
                 (i.signer.map { "signed \($0)" } ?? i.trust) + (i.forced ? " (forced)" : ""), "\(i.files)", ByteCount.text(Int(i.bytes))]
            })
            print("now at snapshot \(last.snapshot) (from \(last.archive))")
        }
    }
}

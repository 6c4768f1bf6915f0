import ArgumentParser
import FerryCore
import Foundation
import NpmMirrorSource

/// `ferry npm …`: the offline side of an npm mirror, which runs where no Ferry server is.
struct NpmCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "npm", abstract: "Offline-side tools for npm mirrors.", subcommands: [NpmApplyCommand.self])
}

/// `ferry npm apply ARCHIVE --storage DIR [--dry-run]`: applies a `diff-*.tar.zst` from a
/// `diff-build` to a Verdaccio storage folder. All checking and moving is `DiffApplier`'s.
struct NpmApplyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply", abstract: "Verify a diff archive against its manifest and move its files into a Verdaccio storage folder.")

    @Argument(help: "The diff-YYYYMMDDHHmm.tar.zst to apply.") var archive: String
    @Option(help: "The Verdaccio storage folder to update.") var storage: String
    @Flag(help: "Verify and report only; change nothing.") var dryRun = false
    @Option(name: .shortAndLong, help: "Output format: text or json.") var output: OutputFormat = .text

    enum OutputFormat: String, ExpressibleByArgument { case text, json }

    func run() async throws {
        try await CLIOutput.guarded {
            let report = try DiffApplier(storage: URL(fileURLWithPath: storage)).apply(archive: URL(fileURLWithPath: archive), dryRun: dryRun)
            if output == .json {
                let value: JSONValue = .object([
                    "dryRun": .bool(report.dryRun), "baseline": report.manifest.baseline.map(JSONValue.string) ?? .null,
                    "snapshot": .string(report.manifest.snapshot), "written": .array(report.written.map(JSONValue.string)),
                    "unchanged": .number(Double(report.unchanged.count)), "removed": .array(report.removed.map(JSONValue.string)),
                    "restartNeeded": .bool(report.restartNeeded),
                ])
                return CLIOutput.printJSON(value.canonicalData())
            }
            let verb = report.dryRun ? "would write" : "wrote"
            for path in report.written { print("\(verb) \(path)") }
            for path in report.removed { print("\(report.dryRun ? "would remove" : "removed") \(path)") }
            print("\(URL(fileURLWithPath: archive).lastPathComponent) (snapshot \(report.manifest.snapshot), baseline \(report.manifest.baseline ?? "none")): "
                + "\(verb) \(report.written.count) file(s), \(report.unchanged.count) already up to date, \(report.removed.count) removed"
                + (report.dryRun ? " — dry run, nothing changed" : ""))
            print(report.restartNeeded
                ? "Verdaccio needs a restart: .verdaccio-db.json changed."
                : "Verdaccio needs no restart: it reads packuments and tarballs from disk on every request.")
        }
    }
}

import ArgumentParser
import FerryCore
import Foundation
import NpmMirrorSource

/// `ferry npm …`: the offline side of an npm mirror, which runs where no Ferry server is.
struct NpmCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "npm", abstract: "Offline-side tools for npm mirrors.",
        subcommands: [NpmApplyCommand.self, NpmStatusCommand.self, NpmKeygenCommand.self, NpmHistoryCommand.self, NpmVerifyCommand.self])
}

/// `ferry npm apply ARCHIVE --storage DIR [--dry-run]`: applies a `diff-*.tar.zst` from a
/// `diff-build` to a Verdaccio storage folder. All checking and moving is `DiffApplier`'s.
struct NpmApplyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply", abstract: "Verify a diff archive against its manifest and move its files into a Verdaccio storage folder.")

    @Argument(help: "The diff-YYYYMMDDHHmm.tar.zst to apply, or the folder holding a split diff's parts and index.") var archive: String
    @Option(help: "The Verdaccio storage folder to update.") var storage: String
    @Flag(help: "Verify and report only; change nothing.") var dryRun = false
    @Option(help: "The public key (ferry npm keygen's .pub) the archive must be signed with.") var trust: String?
    @Option(name: .customLong("expect-sha256"), help: "The archive's sha256, carried over apart from it (for unsigned archives).") var expectSHA256: String?
    @Flag(help: "Apply an archive nothing vouches for (recorded as insecure).") var insecure = false
    @Flag(help: "Apply even when the diff's baseline is not in the storage's import history (recorded).") var force = false
    @Option(name: .shortAndLong, help: "Output format: text or json.") var output: OutputFormat = .text

    enum OutputFormat: String, ExpressibleByArgument { case text, json }

    func validate() throws {
        if [trust != nil, expectSHA256 != nil, insecure].filter({ $0 }).count > 1 {
            throw ValidationError("give one of --trust, --expect-sha256 and --insecure")
        }
        if let expectSHA256, expectSHA256.range(of: "^[0-9a-fA-F]{64}$", options: .regularExpression) == nil {
            throw ValidationError("--expect-sha256 takes the 64 hex digits of a sha256")
        }
    }

    /// Nothing in the archive can vouch for the archive: the person must say what does.
    private func chosenTrust() throws -> DiffTrust {
        if let chosen = try Self.trust(keyFile: trust, sha256: expectSHA256) { return chosen }
        if insecure { return .insecure }
        throw FerryError(
            .invalidInput,
            "refusing an archive nothing vouches for: pass --trust KEY.pub (archives signed online with signingKeyEnv), --expect-sha256 HEX (the sha256 the online side shows), or --insecure",
            field: "trust")
    }

    /// `--trust KEY.pub` or `--expect-sha256 HEX` as a `DiffTrust`; nil when neither is given.
    static func trust(keyFile: String?, sha256: String?) throws -> DiffTrust? {
        if let keyFile {
            guard let text = try? String(contentsOfFile: keyFile, encoding: .utf8) else {
                throw FerryError(.invalidInput, "--trust: cannot read \(keyFile)", field: "trust")
            }
            return .signature(publicKey: try DiffSignature.publicKey(text, file: keyFile))
        }
        return sha256.map(DiffTrust.sha256)
    }

    func run() async throws {
        try await CLIOutput.guarded {
            let applier = DiffApplier(storage: URL(fileURLWithPath: storage), trust: try chosenTrust(), force: force)
            let report = try applier.apply(archive: URL(fileURLWithPath: archive), dryRun: dryRun)
            if output == .json {
                let value: JSONValue = .object([
                    "dryRun": .bool(report.dryRun), "baseline": report.manifest.baseline.map(JSONValue.string) ?? .null,
                    "snapshot": .string(report.manifest.snapshot), "written": .array(report.written.map(JSONValue.string)),
                    "unchanged": .number(Double(report.unchanged.count)), "removed": .array(report.removed.map(JSONValue.string)),
                    "restartNeeded": .bool(report.restartNeeded), "trust": .string(report.trust),
                    "signer": report.signer.map(JSONValue.string) ?? .null, "alreadyApplied": .bool(report.alreadyApplied),
                    "forced": .bool(report.forced), "notes": .array(report.notes.map(JSONValue.string)),
                ])
                return CLIOutput.printJSON(value.canonicalData())
            }
            if insecure { FileHandle.standardError.write(Data("warning: --insecure: nothing vouched for this archive; the import is recorded as insecure\n".utf8)) }
            for note in report.notes { print(note) }
            if report.alreadyApplied { return }
            let verb = report.dryRun ? "would write" : "wrote"
            for path in report.written { print("\(verb) \(path)") }
            for path in report.removed { print("\(report.dryRun ? "would remove" : "removed") \(path)") }
            print("\(URL(fileURLWithPath: archive).lastPathComponent) (snapshot \(report.manifest.snapshot), baseline \(report.manifest.baseline ?? "none"), "
                + (report.signer.map { "signed by \($0)" } ?? "trusted by \(report.trust)") + "): "
                + "\(verb) \(report.written.count) file(s), \(report.unchanged.count) already up to date, \(report.removed.count) removed"
                + (report.dryRun ? " — dry run, nothing changed" : ""))
            print(report.restartNeeded
                ? "Verdaccio needs a restart: .verdaccio-db.json changed."
                : "Verdaccio needs no restart: it reads packuments and tarballs from disk on every request.")
        }
    }
}

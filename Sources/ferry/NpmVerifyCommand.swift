import ArgumentParser
import FerryCore
import Foundation
import NpmMirrorSource

/// `ferry npm verify FILE`: checks one diff archive or one part on its own, changing nothing —
/// at the end of a transfer, before the medium goes back.
struct NpmVerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "verify", abstract: "Check one diff archive or part against its manifest (and the index beside it).")

    @Argument(help: "The archive or part.") var file: String
    @Option(help: "The public key the archive (or the index) must be signed with.") var trust: String?
    @Option(name: .customLong("expect-sha256"), help: "The archive's (or the index's) sha256.") var expectSHA256: String?

    func run() async throws {
        try await CLIOutput.guarded {
            let chosen = try NpmApplyCommand.trust(keyFile: trust, sha256: expectSHA256) ?? .insecure
            let scratch = FileManager.default.temporaryDirectory
            print(try DiffApplier(storage: scratch, trust: chosen).verify(URL(fileURLWithPath: file)))
        }
    }
}

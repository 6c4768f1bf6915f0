import ArgumentParser
import FerryCore
import FerryEngine
import Foundation

/// `ferry restore`: with the server stopped, a backup becomes a data directory again.
struct RestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore", abstract: "Unpack a backup into a data directory (with the server stopped).")

    @Argument(help: "The backup file.") var file: String
    @Option(help: "The data directory to restore into.") var data: String
    @Flag(help: "Restore over a non-empty data directory, keeping the old one as DIR.before-restore-….") var force = false

    func run() async throws {
        try await CLIOutput.guarded {
            let (manifest, kept) = try Backup.restore(URL(fileURLWithPath: file), into: URL(fileURLWithPath: data), force: force)
            print("restored \(file) (made \(manifest.createdAt.formatted(.iso8601)) by Ferry \(manifest.ferryVersion)) into \(data)")
            if let kept { print("the previous data directory is kept at \(kept.path)") }
            if !manifest.secretKeyIncluded { print(manifest.note) }
            if !manifest.buildsIncluded { print("builds were not in the backup: the reconciler rebuilds what is live from its sources") }
        }
    }
}

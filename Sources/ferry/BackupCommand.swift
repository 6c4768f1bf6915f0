import ArgumentParser
import FerryCore
import FerryEngine
import Foundation

/// `ferry backup`: run on the server's host, beside a running `ferry serve` (like `serve`, it
/// works on the data directory itself rather than through the API).
struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup", abstract: "Copy the store (online, consistent) and optionally the builds into one tar file.")

    @Option(help: "The server's data directory.") var data: String = "data"
    @Option(help: "The backup file to write.") var to: String
    @Flag(help: "Add builds, workload state, artifacts and job logs.") var withBuilds = false
    @Flag(help: "Add the secret key (then the file can open every sealed env value).") var withKey = false

    func run() async throws {
        try await CLIOutput.guarded {
            let manifest = try Backup.create(
                dataDirectory: URL(fileURLWithPath: data), to: URL(fileURLWithPath: to), withKey: withKey, withBuilds: withBuilds,
                progress: { FileHandle.standardError.write(Data("\($0)\n".utf8)) })
            let size = (try? FileManager.default.attributesOfItem(atPath: to)[.size] as? Int) ?? 0
            print("backup \(to) written (\(ByteCount.text(size)); store \(ByteCount.text(manifest.databaseBytes)), sha256 \(manifest.databaseSHA256))")
            print(manifest.note)
        }
    }
}

import ArgumentParser
import FerryCore
import Foundation

/// `ferry npm history PACKAGE -w WORKLOAD`: which diff archives carried which versions of a
/// package, from the online server.
struct NpmHistoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "history", abstract: "Show which diffs carried which versions of a package.")

    @OptionGroup var options: ClientOptions
    @Argument(help: "The package (name or @scope/name).") var package: String
    @Option(name: .shortAndLong, help: "The npm-mirror workload.") var workload: String

    func run() async throws {
        try await CLIOutput.guarded {
            let path = package.split(separator: "/").map { String($0).pathEncoded }.joined(separator: "/")
            let data = try await options.client.get("/api/workloads/\(workload.pathEncoded)/packages/\(path)")
            if options.output == .json { return CLIOutput.printJSON(data) }
            let detail = try CLIOutput.decode(data)
            print("\(package): \(detail["versions"]?.plainText ?? "?") versions, \(detail["tarballs"]?.plainText ?? "?") tarballs, "
                + "\(detail["bytes"]?.numberValue.map { ByteCount.text(Int($0)) } ?? "?"); first seen \(detail["firstSeen"]?.stringValue ?? "never in a diff")")
            let rows = (detail["history"]?.arrayValue ?? []).map { d in
                [d["at"]?.plainText ?? "", d["archive"]?.plainText ?? "", d["snapshot"]?.plainText ?? "",
                 (d["versions"]?.arrayValue ?? []).map(\.plainText).joined(separator: ", "), d["files"]?.plainText ?? "",
                 d["bytes"]?.numberValue.map { ByteCount.text(Int($0)) } ?? ""]
            }
            if rows.isEmpty { print("no diff has carried it yet") } else { CLIOutput.table(["AT", "ARCHIVE", "SNAPSHOT", "VERSIONS", "FILES", "BYTES"], rows) }
        }
    }
}

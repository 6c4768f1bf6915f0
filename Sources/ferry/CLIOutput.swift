import ArgumentParser
import FerryCore
import Foundation

/// Printing helpers: JSON passthrough for `-o json`, aligned tables for people, and the one
/// place a failure becomes a one-line reason and an exit code.
enum CLIOutput {
    static func printJSON(_ data: Data) {
        if let value = try? JSONValue(parsing: data) {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            if let pretty = try? encoder.encode(value) {
                print(String(decoding: pretty, as: UTF8.self))
                return
            }
        }
        print(String(decoding: data, as: UTF8.self))
    }

    static func table(_ header: [String], _ rows: [[String]]) {
        let all = [header] + rows
        let widths = header.indices.map { i in all.map { $0.indices.contains(i) ? $0[i].count : 0 }.max() ?? 0 }
        for row in all {
            let cells = row.enumerated().map { i, cell in i == row.count - 1 ? cell : cell.padding(toLength: widths[i], withPad: " ", startingAt: 0) }
            print(cells.joined(separator: "  "))
        }
    }

    static func decode(_ data: Data) throws -> JSONValue {
        try JSONValue(parsing: data)
    }

    /// Runs a verb's body; a `FerryError` prints as `error: <message>` and exits with its code.
    static func guarded(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let error as FerryError {
            FileHandle.standardError.write(Data("error: \(error.message)\n".utf8))
            throw ExitCode(error.code.exitCode)
        }
    }
}

import FerryCore
import Foundation

/// The repository's own `manifest.json`, inside the build's content: build id, the sync snapshot
/// it was built from, counts, timings, each package's files and every file with its sha256. The
/// next build reads it to reuse unchanged files byte for byte (hard links keep their
/// Last-Modified too).
struct ContentManifest: Codable, Sendable {
    struct File: Codable, Sendable {
        var path: String
        var size: Int64
        var sha256: String
    }

    struct Package: Codable, Sendable {
        /// Stamp of the package's summary when these files were made.
        var stamp: Int64
        var type: String
        var files: [String]
    }

    var buildID: String
    var workload: String
    var snapshot: Int64
    var createdAt: Date
    var counts: [String: Int]
    var timings: [String: Double]
    var packages: [String: Package]
    var files: [File]

    static let fileName = "manifest.json"

    func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return try encoder.encode(self)
    }

    static func read(_ url: URL) -> ContentManifest? {
        guard let data = try? Data(contentsOf: url) else { return nil }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try? decoder.decode(ContentManifest.self, from: data)
    }
}

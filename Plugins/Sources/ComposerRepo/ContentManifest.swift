import FerryCore
import Foundation

/// The repository's own `manifest.json`, inside the build's content: build id, the sync snapshot
/// it was built from, counts, timings and each package's files with the stamp they were made
/// at. The next build reads it to keep unchanged packages' files without rendering them. Each
/// file's size and sha256 are the engine's build manifest's business, not repeated here: this
/// file is a new object in every build, so it stays as small as the packages' list.
struct ContentManifest: Codable, Sendable {
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

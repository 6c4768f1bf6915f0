import FerryCore
import Foundation

/// The repository's own `manifest.json`, inside the build's content: build id, the sync snapshot
/// it was built from, counts, timings and each package's files with the stamp they were made
/// at. The next build reads it to keep unchanged packages' files without rendering them. Each
/// file's size and sha256 are the engine's build manifest's business, not repeated here, nor a
/// package's two p2 paths: this file is a new object in every build, so it stays as small as a
/// list of stamps.
struct ContentManifest: Codable, Sendable {
    struct Package: Codable, Sendable {
        /// Stamp of the package's summary when these files were made.
        var stamp: Int64
        /// The package's files when they are not just its two p2 documents (vcs dists).
        var files: [String]?
        /// Versions rendered into the files; nil in manifests written before it was kept.
        var versions: Int?

        init(stamp: Int64, files: [String], versions: Int?, name: String) {
            self.stamp = stamp
            self.files = files == Self.p2(name) ? nil : files
            self.versions = versions
        }

        /// Every file of package `name` in the build.
        func paths(_ name: String) -> [String] { files ?? Self.p2(name) }

        static func p2(_ name: String) -> [String] { ["p2/\(name).json", "p2/\(name)~dev.json"] }
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

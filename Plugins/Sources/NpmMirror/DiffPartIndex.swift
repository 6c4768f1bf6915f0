import FerryCore
import Foundation

/// `diff-….index.json` beside a diff split into parts (`part-size`): every part's name, size and
/// sha256, and the sha256 of the manifest each part carries, so a part can be checked alone, a
/// missing or foreign one named, and an interrupted apply resumed. Signed like a manifest, in
/// `diff-….index.sig`.
public struct DiffPartIndex: Codable, Sendable, Equatable {
    public static let format = "ferry-npm-diff-index/1"
    /// Inside each part: which part it is and which files it carries.
    static let partFileName = "part.json"

    public struct Part: Codable, Sendable, Equatable {
        public var name: String
        public var size: Int64
        public var sha256: String
        public var files: Int
    }

    /// Inside a part (`part.json`).
    struct Membership: Codable, Sendable, Equatable {
        var snapshot: String
        var part: Int
        var of: Int
        var files: [String]
    }

    public var format: String
    public var workload: String
    public var snapshot: String
    public var baseline: String?
    public var baselineArchive: String?
    public var manifestSHA256: String
    public var parts: [Part]

    /// `diff-STAMP.part-001-of-003.tar.zst`.
    static func partName(_ base: String, _ number: Int, of count: Int) -> String {
        "\(base).part-\(String(format: "%03d", number))-of-\(String(format: "%03d", count)).tar.zst"
    }

    func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    static func decode(_ data: Data, file: String) throws -> DiffPartIndex {
        let index: DiffPartIndex
        do { index = try JSONDecoder().decode(DiffPartIndex.self, from: data) } catch {
            throw FerryError(.invalidInput, "\(file) is not a part index: \(error)", field: "archive")
        }
        guard index.format == format else { throw FerryError(.invalidInput, "\(file): format \(index.format) is not \(format)", field: "archive") }
        for part in index.parts { try DiffApplier.checkPath(part.name, entry: file) }
        return index
    }

    /// Groups files into parts of at most `limit` bytes each (a larger file is a part alone),
    /// in path order, so parts are stable and fill in turn.
    static func split(_ files: [DiffManifest.File], limit: Int64) -> [[DiffManifest.File]] {
        var parts: [[DiffManifest.File]] = []
        var current: [DiffManifest.File] = []
        var size: Int64 = 0
        for file in files {
            if !current.isEmpty, size + file.size > limit {
                parts.append(current)
                current = []
                size = 0
            }
            current.append(file)
            size += file.size
        }
        if !current.isEmpty || parts.isEmpty { parts.append(current) }
        return parts
    }
}

import FerryCore
import Foundation

/// What the offline side has applied, kept in the storage itself (`.ferry/imports/`, one JSON
/// file per import; Verdaccio and Ferry skip dot folders), so the order of diffs can be checked
/// where they land and `ferry npm status` can say what the storage is at.
public struct DiffImportHistory {
    public struct Import: Codable, Sendable, Equatable {
        public var archive: String
        public var sha256: String
        /// The signing key's id, when the archive was signed and checked.
        public var signer: String?
        /// How the archive was trusted: `signature`, `sha256` or `insecure`.
        public var trust: String
        public var baseline: String?
        public var snapshot: String
        public var appliedAt: Date
        public var files: Int
        public var bytes: Int64
        /// Applied although its baseline was not in the history (`--force`).
        public var forced: Bool
    }

    public let storage: URL
    var folder: URL { storage.appendingPathComponent(".ferry/imports") }

    public init(storage: URL) { self.storage = storage }

    /// Oldest first.
    public func imports() throws -> [Import] {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { $0.hasSuffix(".json") }.sorted()
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try names.map { name in
            do { return try decoder.decode(Import.self, from: Data(contentsOf: folder.appendingPathComponent(name))) } catch {
                throw FerryError(.invalidInput, "\(folder.path)/\(name) is not an import record: \(error)", field: "storage")
            }
        }
    }

    /// The snapshot the storage is at: the last import's.
    public func current() throws -> Import? { try imports().last }

    func record(_ entry: Import) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        let stamp = DiffBuilder.stamp(entry.appliedAt)
        let target = folder.appendingPathComponent("\(stamp)-\(entry.snapshot).json")
        try StorageLayout.writeAtomically(try encoder.encode(entry), to: target)
    }
}

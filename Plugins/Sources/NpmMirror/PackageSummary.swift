import FerryCore
import Foundation

/// What the `packages` listing shows of one package: the record `scan` (and every refresh, for
/// the packages it touched) stores under the package name, so the API lists and searches the
/// mirror without walking the disk.
struct PackageSummary: Codable, Sendable, Equatable {
    static let collection = "packages"

    var name: String
    /// Versions the packument lists.
    var versions: Int
    /// Tarballs present in the package folder, and their bytes.
    var tarballs: Int
    var bytes: Int64
    /// Listed versions whose tarball is not in the storage (the mirror does not serve them).
    var missing: Int
    var latest: String?
    /// The newest mtime in the package folder.
    var lastChange: Date

    /// Reads one package folder. Returns nil when the folder has no readable packument; the
    /// reason goes to `problem`.
    static func read(_ name: String, layout: StorageLayout, problem: (String) -> Void = { _ in }) -> PackageSummary? {
        let dir = layout.packageDirectory(name)
        let packument: Packument
        do {
            guard let loaded = try Packument.load(layout.packumentFile(name)) else { return nil }
            packument = loaded
        } catch {
            problem("\(name): \(error)")
            return nil
        }
        let fm = FileManager.default
        var tarballs = 0
        var bytes: Int64 = 0
        var newest = Date(timeIntervalSince1970: 0)
        var present = Set<String>()
        for entry in (try? fm.contentsOfDirectory(atPath: dir.path)) ?? [] where !StorageLayout.isLocalState(entry) {
            guard let attributes = try? fm.attributesOfItem(atPath: dir.path + "/" + entry),
                  attributes[.type] as? FileAttributeType == .typeRegular
            else { continue }
            if let date = attributes[.modificationDate] as? Date, date > newest { newest = date }
            if entry.hasSuffix(".tgz") {
                tarballs += 1
                bytes += (attributes[.size] as? NSNumber)?.int64Value ?? 0
                present.insert(entry)
            }
        }
        let missing = packument.versions.keys.filter { v in packument.dist(v).map { !present.contains($0.fileName) } ?? true }.count
        return PackageSummary(
            name: name, versions: packument.versions.count, tarballs: tarballs, bytes: bytes, missing: missing,
            latest: packument.distTags["latest"], lastChange: newest)
    }

    func record() throws -> RecordWrite {
        try RecordWrite(key: name, value: self, stamp: Int64(lastChange.timeIntervalSince1970))
    }
}

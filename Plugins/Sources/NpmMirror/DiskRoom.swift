import FerryCore
import Foundation

/// Free space before a diff is packed or applied: running out half-way wastes the transfer and,
/// on the offline side, can leave the storage's disk too full for Verdaccio.
enum DiskRoom {
    /// Room kept free beyond what the work itself needs.
    static func margin(total: Int64) -> Int64 { max(64 << 20, total / 50) }

    /// Throws, with the numbers, when the filesystem of `folder` has less than `needs` + margin.
    static func check(_ folder: URL, needs: Int64, for what: String) throws {
        guard let attributes = try? FileManager.default.attributesOfFileSystem(forPath: folder.path),
              let free = (attributes[.systemFreeSize] as? NSNumber)?.int64Value,
              let total = (attributes[.systemSize] as? NSNumber)?.int64Value
        else { return }
        let wanted = needs + margin(total: total)
        guard free >= wanted else {
            throw FerryError(
                .unavailable,
                "not enough free space for \(what) in \(folder.path): it needs \(ByteCount.text(Int(needs))) plus \(ByteCount.text(Int(margin(total: total)))) to spare, and \(ByteCount.text(Int(free))) are free")
        }
    }
}

import FerryCore
import Foundation

/// One package going inactive (closed upstream) or active again, for the status page.
/// Collection `status-changes`, keyed by time and name, stamped with the time in milliseconds.
struct StatusChange: Codable, Sendable {
    var name: String
    var active: Bool
    var reason: String
    var at: Date
    /// The action that saw it: `update` or `check-status`.
    var by: String

    static let collection = "status-changes"

    func write() throws -> RecordWrite {
        let ms = Int64(at.timeIntervalSince1970 * 1000)
        return try RecordWrite(key: String(format: "%015lld-", ms) + name, value: self, label: name, stamp: ms)
    }
}

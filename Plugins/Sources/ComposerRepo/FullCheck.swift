import FerryCore
import Foundation

/// When `update` last checked every WordPress package against the info API, and whether the next
/// update must do so again. The recently-updated feed only speeds change detection up: a package
/// whose change the feed dropped, or every package while the feed fails or is off, is still found
/// by a full check, which fetches each package's info and rewrites only those whose version or
/// last-updated moved.
struct FullCheck: Codable, Equatable {
    static let key = "wordpress:full-check"

    var lastFull: Date?
    /// Why the feed failed when it last did; cleared by the next full check.
    var feedFailure: String?

    /// Why the next update must check every package, or nil when the feed's marks are enough.
    func reason(_ wp: ComposerConfig.WordPress, now: Date) -> String? {
        if wp.changes == false { return "the recently-updated feed is off (changes: false)" }
        if let feedFailure { return "the recently-updated feed failed (\(feedFailure))" }
        guard let lastFull else { return "no full check has run yet" }
        let age = now.timeIntervalSince(lastFull)
        if age >= wp.fullCheckInterval.inSeconds {
            return "the last full check was \(Int(age / 3600)) h ago (fullCheck: \(wp.fullCheck ?? "24h"))"
        }
        return nil
    }

    static func load(_ records: any RecordStore) throws -> FullCheck {
        try records.value(FullCheck.self, in: PackageSync.cursors, key: key) ?? FullCheck()
    }

    func save(_ records: any RecordStore) throws {
        try records.put(PackageSync.cursors, RecordWrite(key: Self.key, value: self))
    }
}

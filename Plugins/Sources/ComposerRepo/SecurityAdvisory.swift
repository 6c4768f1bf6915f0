import FerryCore
import Foundation

/// One security advisory in the shape Packagist's advisories API answers and `composer audit`
/// reads. Advisories come from a feed Ferry does not control, so each is checked before it is
/// stored: Composer throws on an `affectedVersions` it cannot parse or a `reportedAt` it cannot
/// read, and one bad entry would otherwise break every audit against the repository.
enum SecurityAdvisory {
    /// Collection `advisories`: key = package name, value = that package's checked advisories.
    static let collection = "advisories"

    /// The advisory as served (package name filled in, sources defaulted), or why it is skipped.
    static func checked(_ value: JSONValue, package: String) -> Result<JSONValue, Skipped> {
        guard case .object(var fields) = value else { return .failure(Skipped("not a JSON object")) }
        guard let id = fields["advisoryId"]?.stringValue, !id.isEmpty, id.count <= 200 else {
            return .failure(Skipped("no advisoryId"))
        }
        guard let affected = fields["affectedVersions"]?.stringValue, VersionConstraint.isValid(affected) else {
            return .failure(Skipped("\(id): affectedVersions is not a Composer version constraint"))
        }
        guard let title = fields["title"]?.stringValue, !title.isEmpty else { return .failure(Skipped("\(id): no title")) }
        guard let reported = fields["reportedAt"]?.stringValue, Self.date(reported) != nil else {
            return .failure(Skipped("\(id): reportedAt is not a date like 2024-05-01 12:00:00"))
        }
        if let named = fields["packageName"]?.stringValue, named != package {
            return .failure(Skipped("\(id): packageName \(named) is filed under \(package)"))
        }
        for key in ["cve", "link", "severity", "remoteId", "composerRepository"] {
            if let v = fields[key], v.stringValue == nil, !v.isNull { return .failure(Skipped("\(id): \(key) is not a string")) }
        }
        let sources = fields["sources"]?.arrayValue ?? []
        if !sources.allSatisfy({ $0["name"]?.stringValue != nil && $0["remoteId"]?.stringValue != nil }) {
            return .failure(Skipped("\(id): each source needs a name and a remoteId"))
        }
        fields["packageName"] = .string(package)
        fields["title"] = .string(title)
        if sources.isEmpty { fields["sources"] = .array([.object(["name": .string("Ferry"), "remoteId": .string(id)])]) }
        return .success(.object(fields))
    }

    /// `2024-05-01 12:00:00` (Packagist's form) or ISO 8601 with a time zone.
    static func date(_ text: String) -> Date? {
        let plain = DateFormatter()
        plain.locale = Locale(identifier: "en_US_POSIX")
        plain.timeZone = TimeZone(identifier: "UTC")
        plain.dateFormat = "yyyy-MM-dd HH:mm:ss"
        return plain.date(from: text) ?? ISO8601DateFormatter().date(from: text)
    }

    struct Skipped: Error, Equatable {
        let reason: String
        init(_ reason: String) { self.reason = reason }
    }
}

import Foundation

/// Identifiers that sort by creation time and read well in paths and logs:
/// `j-20261123-011530-7f3a9c` for a job, `b-…` for a build, `d-…` for a deploy, `e-…` for an event.
public enum IDs {
    public static func make(_ prefix: String, at date: Date = Date()) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyyMMdd-HHmmss"
        let random = (0..<6).map { _ in "0123456789abcdef".randomElement()! }
        return "\(prefix)-\(f.string(from: date))-\(String(random))"
    }
}

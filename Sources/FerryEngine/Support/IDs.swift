import Foundation

/// Identifiers that sort by creation time and read well in paths and logs:
/// `j-20261123-011530-7f3a9c04e1d2` for a job, `b-…` for a build, `d-…` for a deploy, `e-…` for an
/// event. 48 random bits after the second: hundreds of events a second must never collide.
public enum IDs {
    public static func make(_ prefix: String, at date: Date = Date()) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyyMMdd-HHmmss"
        let random = (0..<12).map { _ in "0123456789abcdef".randomElement()! }
        return "\(prefix)-\(f.string(from: date))-\(String(random))"
    }
}

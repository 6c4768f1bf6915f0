import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Identifiers that sort by creation time and read well in paths and logs:
/// `j-20261123-011530-7f3a9c04e1d2` for a job, `b-…` for a build, `d-…` for a deploy, `e-…` for an
/// event. 48 random bits after the second: hundreds of events a second must never collide.
/// Made on every webhook delivery, so the time is formatted with `gmtime_r`, not a DateFormatter
/// (building one cost a tenth of the server's CPU under a burst).
public enum IDs {
    public static func make(_ prefix: String, at date: Date = Date()) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
        let day = "\(parts.tm_year + 1900)\(two(parts.tm_mon + 1))\(two(parts.tm_mday))"
        let time = "\(two(parts.tm_hour))\(two(parts.tm_min))\(two(parts.tm_sec))"
        let random = String(UInt64.random(in: 0..<(1 << 48)), radix: 16)
        return "\(prefix)-\(day)-\(time)-\(String(repeating: "0", count: 12 - random.count))\(random)"
    }
}

#if canImport(Glibc)
import Glibc
#endif

/// The `Date` header's text (RFC 9110 IMF-fixdate, `Mon, 07 Dec 2026 12:22:22 GMT`), made at
/// most once a second per holder: the event loops stamp every kept surface answer with it.
struct HTTPDateText {
    private var second = -1
    private var text = ""

    private static let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    mutating func now() -> String { text(at: time(nil)) }

    mutating func text(at seconds: time_t) -> String {
        if seconds == second { return text }
        var t = seconds
        var parts = tm()
        gmtime_r(&t, &parts)
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
        text = "\(Self.days[Int(parts.tm_wday)]), \(two(parts.tm_mday)) \(Self.months[Int(parts.tm_mon)]) \(parts.tm_year + 1900) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) GMT"
        second = Int(seconds)
        return text
    }
}

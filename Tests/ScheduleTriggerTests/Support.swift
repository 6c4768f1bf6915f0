import Foundation

/// `2026-03-29T01:00:00Z` → Date.
func utc(_ text: String) -> Date {
    let f = ISO8601DateFormatter()
    guard let date = f.date(from: text) else { fatalError("bad test date \(text)") }
    return date
}

func iso(_ date: Date) -> String { ISO8601DateFormatter().string(from: date) }

let berlin = TimeZone(identifier: "Europe/Berlin")!
let newYork = TimeZone(identifier: "America/New_York")!
let utcZone = TimeZone(identifier: "UTC")!

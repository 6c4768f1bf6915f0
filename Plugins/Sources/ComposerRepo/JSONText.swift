import FerryCore
import Foundation

/// Composer's JSON: compact, keys sorted, slashes unescaped (Core's `JSONWriter`), so the same
/// value always gives the same bytes and unchanged p2 files keep their hash and Last-Modified.
enum JSONText {
    static func bytes(_ value: JSONValue) -> [UInt8] { JSONWriter.bytes(value) }

    /// Core's direct reader (`JSONValue(parsing:)`); nil for anything that is not JSON.
    static func parse(_ bytes: some ContiguousBytes) -> JSONValue? {
        try? JSONValue(parsing: bytes)
    }
}

import Foundation

extension JSONValue {
    /// Decodes JSON text whose nesting stays within `maxDepth` levels; deeper is an invalid-input
    /// error naming `what` and the limit. The reader stops at that level, so a body of a million
    /// `[` costs no recursion past it (and no separate scan of the bytes first).
    public static func decode(json data: Data, maxDepth: Int, what: String, limitKey: String? = nil) throws -> JSONValue {
        do { return try JSONValue(parsing: data, maxDepth: maxDepth) } catch {
            if error.exceededDepth {
                throw FerryError(.invalidInput, "\(what): nested deeper than \(maxDepth) levels\(limitKey.map { " (\($0))" } ?? "")")
            }
            throw FerryError(.invalidInput, "\(what): invalid JSON", cause: error)
        }
    }

    /// Whether the brackets of `bytes`, counted outside strings, open more than `limit` levels.
    public static func depth(ofJSON bytes: some Sequence<UInt8>, exceeds limit: Int) -> Bool {
        var depth = 0
        var inString = false
        var escaped = false
        for byte in bytes {
            if inString {
                if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                if depth > limit { return true }
            case UInt8(ascii: "]"), UInt8(ascii: "}"): depth -= 1
            default: break
            }
        }
        return false
    }
}

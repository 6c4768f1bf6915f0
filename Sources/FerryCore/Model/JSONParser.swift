import Foundation

/// Why a JSON text could not be read, with the byte offset where reading stopped.
public struct JSONParseError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public let offset: Int
    /// The text nests deeper than the reader's `maxDepth` (which callers report as a limit).
    public var exceededDepth = false

    public var description: String { "\(message) at byte \(offset)" }
}

extension JSONValue {
    /// Parses JSON text (RFC 8259) straight into a `JSONValue`. Going through `JSONDecoder`
    /// tries each type in turn and throws on every miss, which made reading webhook bodies,
    /// binding configs and packuments the largest cost of those paths; this reads each byte
    /// once. Nesting deeper than `maxDepth` is an error, not a stack overflow.
    public init(parsing bytes: some ContiguousBytes, maxDepth: Int = 512) throws(JSONParseError) {
        self = try bytes.withUnsafeBytes { raw in JSONParser.parse(raw.bindMemory(to: UInt8.self), maxDepth: maxDepth) }.get()
    }

    public init(parsing text: String, maxDepth: Int = 512) throws(JSONParseError) {
        var text = text
        self = try text.withUTF8 { JSONParser.parse($0, maxDepth: maxDepth) }.get()
    }
}

/// A recursive-descent reader over UTF-8 bytes; `JSONValue(parsing:)` is its only user.
struct JSONParser {
    private let bytes: UnsafeBufferPointer<UInt8>
    private let maxDepth: Int
    private var index = 0
    private var depth = 0

    init(_ bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int) {
        self.bytes = bytes
        self.maxDepth = maxDepth
    }

    static func parse(_ bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int) -> Result<JSONValue, JSONParseError> {
        var parser = JSONParser(bytes, maxDepth: maxDepth)
        do throws(JSONParseError) { return .success(try parser.document()) } catch { return .failure(error) }
    }

    mutating func document() throws(JSONParseError) -> JSONValue {
        skipWhitespace()
        let value = try self.value()
        skipWhitespace()
        guard index == bytes.count else { throw fail("unexpected text after the JSON value") }
        return value
    }

    private func fail(_ message: String) -> JSONParseError { JSONParseError(message: message, offset: index) }

    private mutating func skipWhitespace() {
        while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x0D || bytes[index] == 0x09 {
            index += 1
        }
    }

    private mutating func value() throws(JSONParseError) -> JSONValue {
        guard index < bytes.count else { throw fail("unexpected end of the JSON text") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try object()
        case UInt8(ascii: "["): return try array()
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
        default: throw fail("unexpected character '\(Unicode.Scalar(bytes[index]))'")
        }
    }

    private mutating func literal(_ word: StaticString) throws(JSONParseError) {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count, memcmp(bytes.baseAddress! + index, word.utf8Start, count) == 0 else {
            throw fail("invalid literal, expected \(word)")
        }
        index += count
    }

    /// Past an opening bracket; true (and past it) when the container is empty.
    private mutating func enter(closing: UInt8) throws(JSONParseError) -> Bool {
        depth += 1
        guard depth <= maxDepth else {
            throw JSONParseError(message: "nested deeper than \(maxDepth) levels", offset: index, exceededDepth: true)
        }
        index += 1
        skipWhitespace()
        return closes(closing)
    }

    /// At `closing`: steps past it and leaves the level.
    private mutating func closes(_ closing: UInt8) -> Bool {
        guard index < bytes.count, bytes[index] == closing else { return false }
        index += 1
        depth -= 1
        return true
    }

    /// After a member or an item: true past the closing bracket, false past a comma.
    private mutating func ended(by closing: UInt8, in container: String) throws(JSONParseError) -> Bool {
        skipWhitespace()
        guard index < bytes.count else { throw fail("unexpected end inside an \(container)") }
        if closes(closing) { return true }
        guard bytes[index] == UInt8(ascii: ",") else { throw fail("expected ',' or '\(Unicode.Scalar(closing))' in an \(container)") }
        index += 1
        skipWhitespace()
        return false
    }

    private mutating func object() throws(JSONParseError) -> JSONValue {
        var members: [String: JSONValue] = [:]
        if try enter(closing: UInt8(ascii: "}")) { return .object(members) }
        repeat {
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw fail("expected a member name in quotes") }
            let key = try string()
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw fail("expected ':' after a member name") }
            index += 1
            skipWhitespace()
            let member = try value()
            // A repeated name keeps its first value, as `JSONDecoder` (which read Ferry's
            // stored JSON before this reader) does.
            if members[key] == nil { members[key] = member }
        } while try !ended(by: UInt8(ascii: "}"), in: "object")
        return .object(members)
    }

    private mutating func array() throws(JSONParseError) -> JSONValue {
        var items: [JSONValue] = []
        if try enter(closing: UInt8(ascii: "]")) { return .array(items) }
        repeat {
            items.append(try value())
        } while try !ended(by: UInt8(ascii: "]"), in: "array")
        return .array(items)
    }

    /// A string starting at the opening quote. Runs without escapes are copied as they are
    /// (and checked to be UTF-8); escapes are decoded, surrogate pairs joined.
    private mutating func string() throws(JSONParseError) -> String {
        index += 1
        var start = index
        var decoded: [UInt8] = []
        var escaped = false
        while true {
            guard index < bytes.count else { throw fail("unterminated string") }
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") { break }
            if byte < 0x20 { throw fail("control character in a string") }
            if byte != UInt8(ascii: "\\") {
                index += 1
                continue
            }
            escaped = true
            decoded.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<index]))
            index += 1
            guard index < bytes.count else { throw fail("unterminated escape") }
            let code = bytes[index]
            index += 1
            switch code {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): decoded.append(code)
            case UInt8(ascii: "b"): decoded.append(0x08)
            case UInt8(ascii: "f"): decoded.append(0x0C)
            case UInt8(ascii: "n"): decoded.append(0x0A)
            case UInt8(ascii: "r"): decoded.append(0x0D)
            case UInt8(ascii: "t"): decoded.append(0x09)
            case UInt8(ascii: "u"): try unicodeEscape(into: &decoded)
            default: throw fail("invalid escape '\\\(Unicode.Scalar(code))'")
            }
            start = index
        }
        let run = UnsafeBufferPointer(rebasing: bytes[start..<index])
        index += 1
        if !escaped {
            guard let text = String(validating: run, as: UTF8.self) else { throw fail("string is not valid UTF-8") }
            return text
        }
        decoded.append(contentsOf: run)
        guard let text = String(validating: decoded, as: UTF8.self) else { throw fail("string is not valid UTF-8") }
        return text
    }

    /// `\uXXXX` (the `\u` already read), with a following `\uXXXX` when it is a high surrogate.
    private mutating func unicodeEscape(into out: inout [UInt8]) throws(JSONParseError) {
        var scalar = try hex4()
        if (0xD800...0xDBFF).contains(scalar) {
            guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                throw fail("unpaired surrogate in \\u escape")
            }
            index += 2
            let low = try hex4()
            guard (0xDC00...0xDFFF).contains(low) else { throw fail("unpaired surrogate in \\u escape") }
            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
        } else if (0xDC00...0xDFFF).contains(scalar) {
            throw fail("unpaired surrogate in \\u escape")
        }
        out.append(contentsOf: String(Character(Unicode.Scalar(scalar)!)).utf8)
    }

    private mutating func hex4() throws(JSONParseError) -> UInt32 {
        guard index + 4 <= bytes.count else { throw fail("short \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw fail("invalid hex digit in \\u escape")
            }
            value = value << 4 | UInt32(digit)
            index += 1
        }
        return value
    }

    /// A number per the JSON grammar; plain integers of up to 15 digits are computed directly,
    /// anything else goes through `strtod` on the checked text.
    private mutating func number() throws(JSONParseError) -> Double {
        let start = index
        var negative = false
        if bytes[index] == UInt8(ascii: "-") {
            negative = true
            index += 1
        }
        guard index < bytes.count, isDigit(bytes[index]) else { throw fail("invalid number") }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
            if index < bytes.count, isDigit(bytes[index]) { throw fail("leading zero in a number") }
        } else {
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        var integral = true
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            integral = false
            index += 1
            guard index < bytes.count, isDigit(bytes[index]) else { throw fail("expected digits after '.'") }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            integral = false
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard index < bytes.count, isDigit(bytes[index]) else { throw fail("expected digits in the exponent") }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        let digits = index - start - (negative ? 1 : 0)
        if integral, digits <= 15 {
            var value: Int64 = 0
            for i in (start + (negative ? 1 : 0))..<index { value = value * 10 + Int64(bytes[i] - UInt8(ascii: "0")) }
            return negative ? -Double(value) : Double(value)
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        guard let value = Double(text), value.isFinite else { throw fail("number \(text) is out of range") }
        return value
    }

    private func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
}

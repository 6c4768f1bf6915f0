/// The one checked conversion for numbers that come from outside (JSON, YAML, query strings,
/// headers, packuments). `Int(someDouble)` traps on NaN, infinity and anything beyond
/// `Int.max`, so a single hostile value would stop the whole server; every such conversion goes
/// through here instead and becomes a field error naming the path.
extension Int {
    /// `value` as an `Int` in `range`, or an invalid-input error naming `field`.
    ///
    /// Refuses non-finite values, fractions (a count of `2.5` is a mistake, not a rounding
    /// question) and anything outside `range` — checked on the `Double` first, so values far
    /// beyond `Int`'s range never reach the conversion.
    public init(checking value: Double, field: String, in range: ClosedRange<Int>) throws(FerryError) {
        guard value.isFinite else {
            throw .invalid(field, "must be a whole number, got \(value)")
        }
        guard value.rounded() == value else {
            throw .invalid(field, "must be a whole number, got \(value)")
        }
        // Doubles above 2^63 (or below -2^63) cannot be converted at all; compare as Double
        // before converting. `Double(range.upperBound)` may round up past Int.max, hence `<`.
        guard value >= Double(range.lowerBound), value < Double(range.upperBound) + 1,
              value > -9.223372036854775808e18, value < 9.223372036854775808e18
        else {
            throw .invalid(field, Self.outOfRange(range))
        }
        let converted = Int(value)
        guard range.contains(converted) else { throw .invalid(field, Self.outOfRange(range)) }
        self = converted
    }

    /// A decimal integer written as text (a query value, a header) in `range`, or an
    /// invalid-input error naming `field`. Only an optional `-` and ASCII digits are accepted.
    public init(checking text: some StringProtocol, field: String, in range: ClosedRange<Int>) throws(FerryError) {
        let digits = text.hasPrefix("-") ? text.dropFirst() : text[...]
        guard !digits.isEmpty, digits.count <= 40, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw .invalid(field, "must be a whole number, got \"\(text.prefix(40))\"")
        }
        guard let value = Int(String(text)), range.contains(value) else {
            throw .invalid(field, Self.outOfRange(range))
        }
        self = value
    }

    private static func outOfRange(_ range: ClosedRange<Int>) -> String {
        if range.upperBound == Int.max { return "must be at least \(range.lowerBound)" }
        return "must be between \(range.lowerBound) and \(range.upperBound)"
    }
}

extension JSONValue {
    /// The whole number at the dotted `path` (see `subscript(path:)`) in `range`; the error names
    /// `prefix` + `path`. A missing value or one of another type is an error too.
    public func integer(at path: String, in range: ClosedRange<Int>, prefix: String = "") throws(FerryError) -> Int {
        let field = prefix + path
        guard let value = try integerIfPresent(at: path, in: range, prefix: prefix) else {
            throw .invalid(field, "is required (a whole number)")
        }
        return value
    }

    /// Like `integer(at:in:prefix:)`, but a missing or null value yields `nil`.
    public func integerIfPresent(at path: String, in range: ClosedRange<Int>, prefix: String = "") throws(FerryError) -> Int? {
        let field = prefix + path
        switch self[path: path] {
        case .null: return nil
        case .number(let n): return try Int(checking: n, field: field, in: range)
        case let other: throw .invalid(field, "must be a whole number, got \(other.typeName)")
        }
    }
}

import Foundation

/// A JSON document as plain data, so that plugin configs and action parameters can be validated
/// against a `ConfigSchema` before any plugin decodes them into its own typed `Config`.
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// The name a schema error uses for this value's type ("expected string, got number").
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .number(let n): n.rounded() == n ? "integer" : "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }

    public subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    public var objectValue: [String: JSONValue]? {
        if case .object(let members) = self { return members }
        return nil
    }

    public var arrayValue: [JSONValue]? {
        if case .array(let items) = self { return items }
        return nil
    }

    public var numberValue: Double? {
        if case .number(let n) = self { return n }
        return nil
    }

    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }
}

extension JSONValue: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let b = try? container.decode(Bool.self) {
            self = .bool(b)
        } else if let n = try? container.decode(Double.self) {
            self = .number(n)
        } else if let s = try? container.decode(String.self) {
            self = .string(s)
        } else if let a = try? container.decode([JSONValue].self) {
            self = .array(a)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let b): try container.encode(b)
        case .number(let n):
            if n.rounded() == n, abs(n) < 1e15 { try container.encode(Int64(n)) } else { try container.encode(n) }
        case .string(let s): try container.encode(s)
        case .array(let a): try container.encode(a)
        case .object(let o): try container.encode(o)
        }
    }
}

extension JSONValue {
    /// Converts any `Encodable` into a `JSONValue`, the bridge from typed structs to schema-checked data.
    public init(encoding value: some Encodable) throws {
        self = try JSONValue(parsing: try JSONEncoder().encode(value))
    }

    /// Decodes this value into a typed struct, e.g. a plugin's `Config`.
    public func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try JSONDecoder().decode(T.self, from: JSONEncoder().encode(self))
    }

    /// Canonical bytes (sorted keys): two equal specs always encode the same, which makes
    /// `apply` idempotent without field-by-field comparison.
    public func canonicalData() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(self)) ?? Data("null".utf8)
    }
}

extension JSONValue {
    /// The value as a person reads it in a table or message: strings as is, whole numbers
    /// without ".0", null as "-", containers as compact JSON.
    public var plainText: String {
        switch self {
        case .null: "-"
        case .string(let s): s
        case .number(let n): n.rounded() == n && abs(n) < 1e15 ? String(Int64(n)) : String(n)
        case .bool(let b): b ? "true" : "false"
        default: String(decoding: canonicalData(), as: UTF8.self)
        }
    }

    /// Walks a dotted path (`status.health`, `actions.0.name`); a missing step yields `.null`.
    public subscript(path path: String) -> JSONValue {
        var current: JSONValue = self
        for key in path.split(separator: ".") {
            if case .array(let list) = current, let i = Int(key) {
                current = list.indices.contains(i) ? list[i] : .null
            } else {
                current = current[String(key)] ?? .null
            }
        }
        return current
    }
}

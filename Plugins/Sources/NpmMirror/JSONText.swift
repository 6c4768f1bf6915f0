import FerryCore
import Foundation

/// Writes `JSONValue` as text the way Verdaccio writes packuments (`JSON.stringify(doc, null, '\t')`):
/// tab-indented, keys sorted so the same document always gives the same bytes (and the same
/// sha512 in a diff), whole numbers without a fraction, only the escapes JSON requires.
enum JSONText {
    static func data(_ value: JSONValue, indent: Bool = true) -> Data {
        var out = ""
        out.reserveCapacity(4096)
        write(value, into: &out, depth: 0, indent: indent)
        if indent { out.append("\n") }
        return Data(out.utf8)
    }

    static func parse(_ data: Data, what: String) throws -> JSONValue {
        do { return try JSONValue(parsing: data) } catch {
            throw FerryError(.failed, "\(what) is not valid JSON: \(error)", cause: error)
        }
    }

    private static func write(_ value: JSONValue, into out: inout String, depth: Int, indent: Bool) {
        switch value {
        case .null: out.append("null")
        case .bool(let b): out.append(b ? "true" : "false")
        case .number(let n):
            if n.rounded() == n, abs(n) < 1e15 { out.append(String(Int64(n))) } else { out.append(String(n)) }
        case .string(let s): string(s, into: &out)
        case .array(let items):
            if items.isEmpty { return out.append("[]") }
            out.append("[")
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(",") }
                newline(&out, depth + 1, indent)
                write(item, into: &out, depth: depth + 1, indent: indent)
            }
            newline(&out, depth, indent)
            out.append("]")
        case .object(let members):
            if members.isEmpty { return out.append("{}") }
            out.append("{")
            for (i, key) in members.keys.sorted().enumerated() {
                if i > 0 { out.append(",") }
                newline(&out, depth + 1, indent)
                string(key, into: &out)
                out.append(indent ? ": " : ":")
                write(members[key]!, into: &out, depth: depth + 1, indent: indent)
            }
            newline(&out, depth, indent)
            out.append("}")
        }
    }

    private static func newline(_ out: inout String, _ depth: Int, _ indent: Bool) {
        guard indent else { return }
        out.append("\n")
        out.append(String(repeating: "\t", count: depth))
    }

    private static func string(_ s: String, into out: inout String) {
        out.append("\"")
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out.append("\\\"")
            case "\\": out.append("\\\\")
            case "\n": out.append("\\n")
            case "\r": out.append("\\r")
            case "\t": out.append("\\t")
            case "\u{08}": out.append("\\b")
            case "\u{0C}": out.append("\\f")
            default:
                if scalar.value < 0x20 {
                    out.append(String(format: "\\u%04x", scalar.value))
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out.append("\"")
    }
}

import FerryCore
import Foundation

/// Maps form fields named by JSON path (`source.config.repo`, `triggers.0.config.branches.1`)
/// into the JSON a schema describes: numbers and booleans by the schema's types, arrays from
/// numbered rows. It does not judge values: text in a number field stays text so that the one
/// validator (Core's `SchemaValidator`, via `Engine.apply`) names the field and says why.
struct FormMapper {
    /// Keep blank strings and blank array rows (re-rendering a form keeps the rows people
    /// added), or drop them (what is applied: a blank optional field is an absent one).
    var keepEmpty = false
    /// Values typed into `format: secret` fields, by path; they never go back into a page.
    private(set) var secrets: [String: String] = [:]

    init(keepEmpty: Bool = false) { self.keepEmpty = keepEmpty }

    /// A config object: always an object, even when every field was left blank.
    mutating func config(_ tree: FormTree?, _ schema: ConfigSchema, path: String) -> JSONValue {
        map(tree, schema, path: path, root: true) ?? .object([:])
    }

    mutating func map(_ tree: FormTree?, _ schema: ConfigSchema, path: String, root: Bool = false) -> JSONValue? {
        if schema.format == .secret {
            if let typed = tree?.text, !typed.isEmpty { secrets[path] = typed }
            return nil
        }
        switch schema.type {
        case .object where schema.additionalProperties != nil && schema.properties.isEmpty:
            // Free keys arrive as rows of a key and a value (`__entries.N.key|value`).
            var members: [String: JSONValue] = [:]
            for (i, row) in (tree?["__entries"]?.rows ?? []).enumerated() {
                let key = row["key"]?.text?.trimmingCharacters(in: .whitespaces) ?? ""
                let value = map(row["value"], schema.additionalProperties!, path: "\(path).__entries.\(i).value")
                if key.isEmpty && !keepEmpty { continue }
                members[key] = value ?? (keepEmpty ? .string("") : .string(""))
            }
            return members.isEmpty && !keepEmpty && !root ? nil : .object(members)
        case .object:
            var members: [String: JSONValue] = [:]
            for p in schema.properties {
                if let v = map(tree?[p.name], p.schema, path: "\(path).\(p.name)") { members[p.name] = v }
            }
            if !keepEmpty, !root, members.values.allSatisfy({ $0 == .bool(false) }) {
                // An optional nested object left blank (an unchecked box counts as blank) is
                // absent, not an object whose required members are missing.
                return nil
            }
            return .object(members)
        case .array:
            guard let tree else { return nil }
            let items = schema.items ?? .string()
            var out: [JSONValue] = []
            for (i, row) in tree.rows.enumerated() {
                if let v = map(row, items, path: "\(path).\(i)") {
                    out.append(v)
                } else if keepEmpty {
                    out.append(items.type == .object ? .object([:]) : .string(""))
                }
            }
            return out.isEmpty && !keepEmpty ? nil : .array(out)
        case .string:
            return text(tree).map(JSONValue.string)
        case .integer, .number:
            guard let s = text(tree) else { return nil }
            if let n = Double(s.trimmingCharacters(in: .whitespaces)) { return .number(n) }
            return .string(s)
        case .boolean:
            guard let s = tree?.text else { return nil }
            switch s {
            case "true", "on": return .bool(true)
            case "false", "": return keepEmpty || schema.defaultValue != nil || s == "false" ? .bool(false) : nil
            default: return .string(s)
            }
        }
    }

    private func text(_ tree: FormTree?) -> String? {
        guard let s = tree?.text else { return nil }
        if s.isEmpty { return keepEmpty ? "" : nil }
        return s
    }
}

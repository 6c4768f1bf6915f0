import Foundation

/// The one validator for every config and parameter set, so API, CLI, YAML and the wizard all
/// report the same messages with the same field paths (`source.config.branch: expected string`).
public struct SchemaValidator: Sendable {
    public init() {}

    /// A single problem, addressed by its JSON path so a form can show it beside the field.
    public struct Issue: Sendable, Equatable, CustomStringConvertible {
        public let path: String
        public let message: String
        public var description: String { "\(path): \(message)" }
    }

    /// Checks `value` and returns it with defaults filled in, or throws the first issue found
    /// as a `FerryError` naming the field (all issues are in `issues(...)` for forms).
    public func validated(_ value: JSONValue, against schema: ConfigSchema, at path: String) throws -> JSONValue {
        let found = issues(value, against: schema, at: path)
        if let first = found.first {
            throw FerryError(.invalidInput, first.description, field: first.path)
        }
        return applyingDefaults(value, schema)
    }

    public func issues(_ value: JSONValue, against schema: ConfigSchema, at path: String) -> [Issue] {
        var out: [Issue] = []
        check(value, schema, path, &out)
        return out
    }

    private func check(_ value: JSONValue, _ schema: ConfigSchema, _ path: String, _ out: inout [Issue]) {
        func fail(_ message: String) { out.append(Issue(path: path, message: message)) }

        switch (schema.type, value) {
        case (.string, .string(let s)):
            if let pattern = schema.pattern, s.range(of: pattern, options: .regularExpression) == nil {
                fail("does not match pattern \(pattern)")
            }
            if schema.format == .url, !Self.isURL(s) { fail("expected a URL (http, https or file)") }
            if schema.format == .duration, Duration.parse(s) == nil { fail("expected a duration like 30s, 5m or 12h") }
            if schema.format == .cron, let problem = CronExpression.problem(s) { fail(problem) }
        case (.integer, .number(let n)) where n.rounded() == n, (.number, .number(let n)):
            if let min = schema.minimum, n < min { fail("must be at least \(Self.show(min))") }
            if let max = schema.maximum, n > max { fail("must be at most \(Self.show(max))") }
        case (.boolean, .bool):
            break
        case (.array, .array(let elements)):
            if let items = schema.items {
                for (i, element) in elements.enumerated() { check(element, items, "\(path).\(i)", &out) }
            }
        case (.object, .object(let members)):
            for name in schema.required where members[name] == nil || members[name]!.isNull {
                out.append(Issue(path: "\(path).\(name)", message: "required"))
            }
            for key in members.keys.sorted() {
                guard let sub = schema.property(key) ?? schema.additionalProperties else {
                    out.append(Issue(path: "\(path).\(key)", message: "unknown field"))
                    continue
                }
                if let member = members[key], !member.isNull { check(member, sub, "\(path).\(key)", &out) }
            }
        default:
            fail("expected \(schema.type.rawValue), got \(value.typeName)")
            return
        }
        if let allowed = schema.enumValues, !allowed.contains(value) {
            fail("must be one of \(allowed.compactMap(\.stringValue).joined(separator: ", "))")
        }
    }

    /// Fills in declared defaults for absent members so plugins see one complete config.
    public func applyingDefaults(_ value: JSONValue, _ schema: ConfigSchema) -> JSONValue {
        switch (schema.type, value) {
        case (.object, .object(var members)):
            for p in schema.properties {
                if let present = members[p.name], !present.isNull {
                    members[p.name] = applyingDefaults(present, p.schema)
                } else if let d = p.schema.defaultValue {
                    members[p.name] = d
                } else if p.schema.type == .object, !p.schema.properties.isEmpty {
                    let filled = applyingDefaults(.object([:]), p.schema)
                    if filled != .object([:]) { members[p.name] = filled }
                }
            }
            return .object(members)
        case (.array, .array(let elements)):
            guard let items = schema.items else { return value }
            return .array(elements.map { applyingDefaults($0, items) })
        default:
            return value
        }
    }

    private static func isURL(_ s: String) -> Bool {
        guard let url = URL(string: s), let scheme = url.scheme?.lowercased() else { return false }
        switch scheme {
        case "http", "https": return url.host != nil && !(url.host ?? "").isEmpty
        case "file": return !url.path.isEmpty
        default: return false
        }
    }

    private static func show(_ n: Double) -> String {
        n.rounded() == n ? String(Int64(n)) : String(n)
    }
}

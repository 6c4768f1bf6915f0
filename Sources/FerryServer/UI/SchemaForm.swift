import FerryCore
import Foundation

/// Turns a `ConfigSchema` into the field tree `field.mustache` renders: one control per member,
/// named by its JSON path, labelled, with the schema's description as help, its default
/// pre-filled, `required`/`pattern`/`min`/`max` as browser checks, and the server's message
/// for that path beside it. No form is written by hand for any kind.
struct SchemaForm {
    /// Server messages by field path (`source.config.repo`).
    var errors: [String: String] = [:]
    /// Secret fields that hold a value, with the hidden field the page carries instead of it.
    var carried: [String: (name: String, value: String)] = [:]
    /// Makes element ids unique when one page holds several forms (one per action).
    var idPrefix = "f-"
    /// Add/remove-row buttons post the form back to change it (the wizard); a form that runs
    /// something at once (an action) shows `spareRows` blank rows instead.
    var rowButtons = true
    var spareRows = 0

    /// The members of an object schema as fields; `value` is the current object.
    func fields(_ schema: ConfigSchema, value: JSONValue?, path: String, requiredChain: Bool = true) -> [[String: Any]] {
        schema.properties.map { p in
            field(
                label: p.name, schema: p.schema, value: value?[p.name], path: "\(path).\(p.name)",
                required: requiredChain && schema.required.contains(p.name))
        }
    }

    func field(label: String, schema: ConfigSchema, value: JSONValue?, path: String, required: Bool) -> [String: Any] {
        let current = value ?? schema.defaultValue
        var f = Self.blank(path: path, label: label)
        f["rowButtons"] = rowButtons
        f["id"] = idPrefix + path.replacingOccurrences(of: ".", with: "-")
        f["help"] = schema.description ?? ""
        f["hasHelp"] = schema.description != nil
        f["required"] = required
        if let error = errors[path] {
            f["error"] = error
            f["hasError"] = true
        }
        if let values = schema.enumValues {
            f["isSelect"] = true
            var options: [[String: Any]] = required && current != nil ? [] : [["value": "", "label": "—", "selected": current == nil]]
            options += values.map { v in ["value": v.plainText, "label": v.plainText, "selected": v == current] }
            f["options"] = options
            return f
        }
        switch schema.type {
        case .object where schema.additionalProperties != nil && schema.properties.isEmpty:
            mapField(&f, schema.additionalProperties!, current, path: path, label: label)
        case .object:
            f["isObject"] = true
            f["children"] = fields(schema, value: current, path: path, requiredChain: required)
        case .array:
            f["isArray"] = true
            let items = schema.items ?? .string()
            var elements: [JSONValue] = if case .array(let list)? = current { list } else { [] }
            if !rowButtons { elements += Array(repeating: items.type == .object ? .object([:]) : .string(""), count: spareRows) }
            f["rows"] = elements.enumerated().map { i, element in
                [
                    "field": field(label: "\(label) \(i + 1)", schema: items, value: element, path: "\(path).\(i)", required: false),
                    "removeOp": "remove:\(path).\(i)",
                ] as [String: Any]
            }
            f["addOp"] = "add:\(path)"
        case .boolean:
            f["isCheckbox"] = true
            f["checked"] = current == .bool(true)
        case .integer, .number:
            f["isInput"] = true
            f["inputType"] = "number"
            f["hasStep"] = true
            f["step"] = schema.type == .integer ? "1" : "any"
            f["value"] = current?.plainText ?? ""
            if let min = schema.minimum { f["hasMin"] = true; f["min"] = JSONValue.number(min).plainText }
            if let max = schema.maximum { f["hasMax"] = true; f["max"] = JSONValue.number(max).plainText }
        case .string:
            if schema.format == .secret {
                f["isSecret"] = true
                if let hidden = carried[path] {
                    f["secretSet"] = true
                    f["sealedName"] = hidden.name
                    f["sealedValue"] = hidden.value
                }
                f["required"] = required && carried[path] == nil
                return f
            }
            f["isInput"] = true
            f["inputType"] = schema.format == .url ? "url" : "text"
            f["value"] = current?.plainText ?? ""
            if let pattern = schema.pattern { f["hasPattern"] = true; f["pattern"] = Self.browserPattern(pattern) }
            if let format = schema.format, format != .url { f["hasPlaceholder"] = true; f["placeholder"] = Self.placeholder(format) }
        }
        return f
    }

    /// An object of free keys (`params: {package: "$package"}`): rows of a key and a value,
    /// named `PATH.__entries.N.key|value`, in key order; a blank key is the row being added.
    private func mapField(_ f: inout [String: Any], _ values: ConfigSchema, _ current: JSONValue?, path: String, label: String) {
        f["isMap"] = true
        let members = current?.objectValue ?? [:]
        let keys = members.keys.filter { !$0.isEmpty }.sorted() + (members[""] != nil || !rowButtons ? [""] : [])
        f["entries"] = keys.enumerated().map { i, key in
            var value = field(label: "\(label) \(key)", schema: values, value: members[key], path: "\(path).__entries.\(i).value", required: false)
            value["label"] = key.isEmpty ? label : key
            return [
                "keyName": "\(path).__entries.\(i).key", "keyID": idPrefix + "\(path).__entries.\(i).key".replacingOccurrences(of: ".", with: "-"),
                "key": key, "field": value, "removeOp": "remove:\(path).__entries.\(i)",
            ] as [String: Any]
        }
        f["addOp"] = "add:\(path)"
        let nested = errors.filter { $0.key.hasPrefix(path + ".") }.map { "\($0.key.dropFirst(path.count + 1)): \($0.value)" }
        if f["hasError"] as? Bool != true, !nested.isEmpty {
            f["hasError"] = true
            f["error"] = nested.sorted().joined(separator: "; ")
        }
    }

    /// Every key a field template reads, set, so a missing one never resolves to the parent
    /// field's value (Mustache looks names up the context stack).
    static func blank(path: String, label: String) -> [String: Any] {
        [
            "path": path, "id": "f-" + path.replacingOccurrences(of: ".", with: "-"), "label": label,
            "help": "", "hasHelp": false, "error": "", "hasError": false, "required": false,
            "isInput": false, "isSelect": false, "isCheckbox": false, "isArray": false, "isObject": false, "isSecret": false,
            "inputType": "text", "value": "", "checked": false, "step": "", "hasStep": false, "rowButtons": true, "hasMin": false, "min": "", "hasMax": false, "max": "",
            "hasPattern": false, "pattern": "", "readonly": false, "hasPlaceholder": false, "placeholder": "", "options": [[String: Any]](),
            "rows": [[String: Any]](), "addOp": "", "isMap": false, "entries": [[String: Any]](), "children": [[String: Any]](), "secretSet": false, "sealedName": "", "sealedValue": "",
        ]
    }

    /// HTML anchors `pattern` at both ends; the server's patterns search unless they say `^…$`.
    /// Browsers compile it with the `v` flag, where a class may not hold a bare `-`, `/`, `(`,
    /// `)`, `{`, `}` or `|`: those are escaped, or the browser would drop the check.
    static func browserPattern(_ pattern: String) -> String {
        let chars = Array(pattern)
        var out = ""
        var inClass = false
        var i = 0
        while i < chars.count {
            let ch = chars[i]
            if ch == "\\", i + 1 < chars.count {
                out.append(ch)
                out.append(chars[i + 1])
                i += 2
                continue
            }
            if !inClass {
                if ch == "[" { inClass = true }
                out.append(ch)
            } else if ch == "]" {
                inClass = false
                out.append(ch)
            } else if ch == "-" {
                // A range dash stays; a literal one (first, after `^`, or last) is escaped.
                let literal = out.last == "[" || out.hasSuffix("[^") || (i + 1 < chars.count && chars[i + 1] == "]")
                out += literal ? "\\-" : "-"
            } else if "/(){}|".contains(ch) {
                out += "\\\(ch)"
            } else {
                out.append(ch)
            }
            i += 1
        }
        return pattern.hasPrefix("^") && pattern.hasSuffix("$") ? out : ".*(?:\(out)).*"
    }

    /// An example of what a field of this format takes (new formats simply get none).
    static func placeholder(_ format: ConfigSchema.Format) -> String {
        if format == .cron { return "*/5 * * * *" }
        if format == .duration { return "5m" }
        return ""
    }
}

import FerryCore
import FerryEngine
import Foundation

/// What the wizard's form holds between round trips: the workload being written, field by
/// field. Built from a posted form or from a stored spec (to edit it); turned into the workload
/// document `Engine.apply` takes. Secret values typed into the form are kept here in plain text
/// only for the request; a page carries them sealed, never as typed.
struct WizardState {
    /// A secret's value as the wizard holds it. Typed values are carried between round trips
    /// sealed with the server's key; stored values (when editing) are not carried at all: the
    /// page names where they are kept (`kept`) and they are looked up again when saving.
    enum Secret: Equatable {
        case typed(String)
        case sealed(String)
        /// The path of the value in the stored spec (`env.GIT_TOKEN`, `triggers.0.config.secret`).
        case kept(String)
        var applied: String {
            switch self {
            case .typed(let s), .sealed(let s): s
            case .kept: ""
            }
        }
    }
    struct Trigger {
        var kind: String
        var action: String
        var config: JSONValue
    }
    struct EnvRow {
        var key: String
        var value: String
        var secret: Bool
        /// A secret entry's value: typed now, or carried sealed (the stored one, when editing).
        var hidden: Secret?
    }
    struct VolumeRow {
        var name: String
        var scope: String
        var path: String
    }

    var name = ""
    var parent = ""
    var kind: String
    var suspend = false
    var config: JSONValue = .object([:])
    var triggers: [Trigger] = []
    var env: [EnvRow] = []
    var volumes: [VolumeRow] = []
    /// `format: secret` config fields, by path (`source.config.token`, `triggers.0.config.secret`).
    var secrets: [String: Secret] = [:]

    init(kind: String) { self.kind = kind }

    /// Reads a posted wizard form. `keepEmpty` keeps blank rows for re-rendering.
    init(form: FormData, registry: PluginRegistry, keepEmpty: Bool) throws {
        kind = form["source.kind"] ?? ""
        let source = try registry.source(kind)
        name = form["name"]?.trimmingCharacters(in: .whitespaces) ?? ""
        parent = form["parent"] ?? ""
        suspend = form["suspend"] == "true"
        var mapper = FormMapper(keepEmpty: keepEmpty)
        config = mapper.config(form.tree(under: "source.config"), source.schema, path: "source.config")
        for (n, i) in form.indexes(under: "triggers").enumerated() {
            let kind = form["triggers.\(i).kind"] ?? ""
            let schema = registry.triggers[kind]?.schema ?? .empty
            var rowMapper = FormMapper(keepEmpty: keepEmpty)
            let config = rowMapper.config(form.tree(under: "triggers.\(i).config"), schema, path: "triggers.\(n).config")
            for (path, typed) in rowMapper.secrets { secrets[path] = .typed(typed) }
            carrySealed(form, schema, from: "triggers.\(i).config", to: "triggers.\(n).config")
            triggers.append(Trigger(kind: kind, action: form["triggers.\(i).action"] ?? "deploy", config: config))
        }
        for (path, typed) in mapper.secrets { secrets[path] = .typed(typed) }
        carrySealed(form, source.schema, from: "source.config", to: "source.config")
        for i in form.indexes(under: "env") {
            let key = form["env.\(i).key"]?.trimmingCharacters(in: .whitespaces) ?? ""
            let value = form["env.\(i).value"] ?? ""
            let secret = form["env.\(i).secret"] == "true"
            if !keepEmpty && key.isEmpty && value.isEmpty { continue }
            var row = EnvRow(key: key, value: secret ? "" : value, secret: secret)
            if secret {
                if !value.isEmpty { row.hidden = .typed(value) } else { row.hidden = Self.carried(form, "env.\(i).value") }
            }
            env.append(row)
        }
        for i in form.indexes(under: "volumes") {
            let row = VolumeRow(name: form["volumes.\(i).name"] ?? "", scope: form["volumes.\(i).scope"] ?? "workload", path: form["volumes.\(i).path"] ?? "")
            if !keepEmpty && row.name.isEmpty && row.path.isEmpty { continue }
            volumes.append(row)
        }
    }

    /// Secret fields left blank keep the sealed value the page carried.
    private mutating func carrySealed(_ form: FormData, _ schema: ConfigSchema, from: String, to: String) {
        for (path, _) in Self.secretPaths(schema, path: from) where secrets[path.replacingOccurrences(of: from, with: to)] == nil {
            if let carried = Self.carried(form, path) { secrets[path.replacingOccurrences(of: from, with: to)] = carried }
        }
    }

    /// The secret a page carried for a field left blank: sealed, or a reference to the stored one.
    static func carried(_ form: FormData, _ path: String) -> Secret? {
        if let sealed = form.nonEmpty("__sealed.\(path)"), SecretBox.isSealed(sealed) { return .sealed(sealed) }
        return form.nonEmpty("__keep.\(path)").map(Secret.kept)
    }

    /// Replaces references to stored secrets with the stored (sealed) values; what cannot be
    /// found is dropped, so a forged reference yields nothing.
    mutating func resolveKept(in stored: WorkloadSpec?) {
        let document = stored.flatMap { try? JSONValue(encoding: $0) } ?? .null
        func lookup(_ path: String) -> Secret? {
            if path.hasPrefix("env.") {
                let key = String(path.dropFirst(4))
                guard let entry = stored?.env[key], entry.secret else { return nil }
                return .sealed(entry.value)
            }
            guard path.hasPrefix("triggers."), let value = document[path: path].stringValue, !value.isEmpty else { return nil }
            return .sealed(value)
        }
        for (path, secret) in secrets {
            if case .kept(let from) = secret { secrets[path] = lookup(from) }
        }
        for i in env.indices {
            if case .kept(let from)? = env[i].hidden { env[i].hidden = lookup(from) }
        }
    }

    /// Paths of the `format: secret` strings of an object schema (not inside arrays).
    static func secretPaths(_ schema: ConfigSchema, path: String) -> [(String, ConfigSchema)] {
        schema.properties.flatMap { p -> [(String, ConfigSchema)] in
            let sub = "\(path).\(p.name)"
            if p.schema.format == .secret { return [(sub, p.schema)] }
            return p.schema.type == .object ? secretPaths(p.schema, path: sub) : []
        }
    }

    /// A stored workload, to edit. Its secrets stay sealed.
    init(spec: WorkloadSpec, registry: PluginRegistry) {
        kind = spec.source.kind
        name = spec.name
        parent = spec.parent ?? ""
        suspend = spec.suspend
        config = spec.source.config
        for (n, trigger) in spec.triggers.enumerated() {
            var config = trigger.config
            for (path, _) in Self.secretPaths(registry.triggers[trigger.kind]?.schema ?? .empty, path: "triggers.\(n).config") {
                let sub = path.split(separator: ".").dropFirst(3).map(String.init)
                config.update(at: sub[...]) { value in
                    if let s = value?.stringValue, !s.isEmpty { secrets[path] = .kept(path) }
                    value = nil
                }
            }
            triggers.append(Trigger(kind: trigger.kind, action: trigger.action, config: config))
        }
        env = spec.env.keys.sorted().map { key in
            let entry = spec.env[key]!
            return EnvRow(key: key, value: entry.secret ? "" : entry.value, secret: entry.secret, hidden: entry.secret ? .kept("env.\(key)") : nil)
        }
        volumes = spec.volumes.map { VolumeRow(name: $0.name, scope: $0.scope.rawValue, path: $0.path ?? "") }
    }

    /// The workload document to apply. `shown` replaces each secret (for the review step).
    func document(masking: Bool = false) -> JSONValue {
        func secret(_ s: Secret) -> JSONValue { .string(masking ? "••••••" : s.applied) }
        var config = self.config
        var envMembers: [String: JSONValue] = [:]
        for row in env where !row.key.isEmpty {
            envMembers[row.key] = row.secret
                ? .object(["secret": .bool(true), "value": row.hidden.map(secret) ?? .string("")])
                : .string(row.value)
        }
        var triggerList: [JSONValue] = []
        for (n, t) in triggers.enumerated() {
            var c = t.config
            for (path, value) in secrets where path.hasPrefix("triggers.\(n).config.") {
                let sub = path.split(separator: ".").dropFirst(3).map(String.init)
                c.update(at: sub[...]) { $0 = secret(value) }
            }
            triggerList.append(.object(["kind": .string(t.kind), "action": .string(t.action), "config": c]))
        }
        for (path, value) in secrets where path.hasPrefix("source.config.") {
            // A secret of the source's config is kept as a sealed env entry, never in the spec.
            envMembers[Self.envKey(path)] = .object(["secret": .bool(true), "value": secret(value)])
        }
        if case .object(let m) = config, m.isEmpty { config = .object([:]) }
        var doc: [String: JSONValue] = [
            "name": .string(name), "source": .object(["kind": .string(kind), "config": config]),
        ]
        if !parent.isEmpty { doc["parent"] = .string(parent) }
        if suspend { doc["suspend"] = .bool(true) }
        if !envMembers.isEmpty { doc["env"] = .object(envMembers) }
        if !volumes.isEmpty {
            doc["volumes"] = .array(volumes.map { v in
                var o: [String: JSONValue] = ["name": .string(v.name), "scope": .string(v.scope)]
                if !v.path.isEmpty { o["path"] = .string(v.path) }
                return .object(o)
            })
        }
        if !triggerList.isEmpty { doc["triggers"] = .array(triggerList) }
        return .object(doc)
    }

    /// `source.config.apiToken` → `API_TOKEN`.
    static func envKey(_ path: String) -> String {
        let rest = path.dropFirst("source.config.".count)
        var out = ""
        for ch in rest {
            if ch == "." || ch == "-" { out += "_" } else if ch.isUppercase { out += "_\(ch)" } else { out += ch.uppercased() }
        }
        return out
    }
}

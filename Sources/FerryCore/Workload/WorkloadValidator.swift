import Foundation

/// Turns a workload document into a checked `WorkloadSpec`: the envelope fields, then the source
/// config and each trigger config against their plugin's schema, with defaults filled in.
/// Every error names the field path, so the CLI, the API and the wizard can point at it.
public struct WorkloadValidator: Sendable {
    public let registry: PluginRegistry
    private let schemas = SchemaValidator()

    public init(registry: PluginRegistry) { self.registry = registry }

    /// DNS-label rules: safe in URLs (`/sites/<name>/`) and as a directory name.
    public static let namePattern = "^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$"
    static let envKeyPattern = "^[A-Za-z_][A-Za-z0-9_]*$"
    static let topLevelKeys: Set = ["name", "source", "env", "volumes", "parent", "triggers", "suspend", "access", "notify", "hooks", "publish"]

    public func validate(_ document: JSONValue, prefix: String = "") throws -> WorkloadSpec {
        func path(_ p: String) -> String { prefix + p }
        guard case .object(let members) = document else {
            throw FerryError.invalid(prefix.isEmpty ? "(document)" : String(prefix.dropLast()), "expected an object, got \(document.typeName)")
        }
        for key in members.keys.sorted() where !Self.topLevelKeys.contains(key) {
            throw FerryError.invalid(path(key), "unknown field")
        }
        let name = try string(members["name"], path("name"), required: true)!
        try checkName(name, path("name"))

        guard let sourceValue = members["source"], !sourceValue.isNull else { throw FerryError.invalid(path("source"), "required") }
        guard case .object(let source) = sourceValue else {
            throw FerryError.invalid(path("source"), "expected object, got \(sourceValue.typeName)")
        }
        for key in source.keys.sorted() where key != "kind" && key != "config" {
            throw FerryError.invalid(path("source.\(key)"), "unknown field")
        }
        let kind = try string(source["kind"], path("source.kind"), required: true)!
        let plugin = try registry.source(kind, field: path("source.kind"))
        let config = try schemas.validated(source["config"] ?? .object([:]), against: plugin.schema, at: path("source.config"))
        do { try plugin.validate(config: config, git: registry.git) } catch let error as FerryError where !prefix.isEmpty {
            throw FerryError(error.code, prefix + error.message, field: error.field.map { prefix + $0 }, cause: error.cause)
        }

        let parent = try string(members["parent"], path("parent"), required: false)
        if let parent {
            try checkName(parent, path("parent"))
            if parent == name { throw FerryError.invalid(path("parent"), "a workload cannot be its own parent") }
        }
        var spec = WorkloadSpec(name: name, source: SourceRef(kind: kind, config: config), parent: parent)
        spec.suspend = try bool(members["suspend"], path("suspend")) ?? false
        if let access = try string(members["access"], path("access"), required: false) {
            guard let parsed = WorkloadAccess(rawValue: access) else {
                throw FerryError.invalid(path("access"), "expected public or token, got \"\(access)\"")
            }
            spec.access = parsed
        }
        spec.notify = try WorkloadNotify.read(members["notify"], at: path("notify"))
        spec.hooks = try ActionHooks.read(members["hooks"], at: path("hooks"), actions: plugin.actions.map(\.name) + ["promote"])
        spec.publish = try PublishTarget.read(members["publish"], at: path("publish"))
        spec.env = try env(members["env"], path("env"))
        spec.volumes = try volumes(members["volumes"], path("volumes"))
        spec.triggers = try triggers(members["triggers"], path("triggers"), source: plugin)
        return spec
    }

    private func checkName(_ name: String, _ field: String) throws {
        if name.range(of: Self.namePattern, options: .regularExpression) == nil {
            throw FerryError.invalid(field, "\"\(name)\" is not a valid name (lower-case letters, digits and '-', at most 63)")
        }
    }

    private func string(_ value: JSONValue?, _ field: String, required: Bool) throws -> String? {
        switch value {
        case nil, .null?:
            if required { throw FerryError.invalid(field, "required") }
            return nil
        case .string(let s)?:
            if required && s.isEmpty { throw FerryError.invalid(field, "must not be empty") }
            return s
        case let other?:
            throw FerryError.invalid(field, "expected string, got \(other.typeName)")
        }
    }

    private func bool(_ value: JSONValue?, _ field: String) throws -> Bool? {
        switch value {
        case nil, .null?: return nil
        case .bool(let b)?: return b
        case let other?: throw FerryError.invalid(field, "expected boolean, got \(other.typeName)")
        }
    }

    private func env(_ value: JSONValue?, _ field: String) throws -> [String: EnvValue] {
        guard let value, !value.isNull else { return [:] }
        guard case .object(let members) = value else { throw FerryError.invalid(field, "expected object, got \(value.typeName)") }
        var out: [String: EnvValue] = [:]
        for (key, entry) in members {
            let f = "\(field).\(key)"
            if key.range(of: Self.envKeyPattern, options: .regularExpression) == nil {
                throw FerryError.invalid(f, "not a valid env name (letters, digits and '_', not starting with a digit)")
            }
            switch entry {
            case .string(let s): out[key] = EnvValue(s)
            case .number, .bool: out[key] = EnvValue(String(decoding: entry.canonicalData(), as: UTF8.self))
            case .object(let o):
                for k in o.keys.sorted() where k != "value" && k != "secret" { throw FerryError.invalid("\(f).\(k)", "unknown field") }
                let v = try string(o["value"], "\(f).value", required: false) ?? ""
                out[key] = EnvValue(v, secret: try bool(o["secret"], "\(f).secret") ?? false)
            default:
                throw FerryError.invalid(f, "expected string or {value, secret}, got \(entry.typeName)")
            }
        }
        return out
    }

    private func volumes(_ value: JSONValue?, _ field: String) throws -> [VolumeSpec] {
        guard let value, !value.isNull else { return [] }
        guard case .array(let list) = value else { throw FerryError.invalid(field, "expected array, got \(value.typeName)") }
        var seen: Set<String> = []
        return try list.enumerated().map { i, entry in
            let f = "\(field).\(i)"
            guard case .object(let o) = entry else { throw FerryError.invalid(f, "expected object, got \(entry.typeName)") }
            for k in o.keys.sorted() where !["name", "scope", "path"].contains(k) { throw FerryError.invalid("\(f).\(k)", "unknown field") }
            let name = try string(o["name"], "\(f).name", required: true)!
            try checkName(name, "\(f).name")
            guard seen.insert(name).inserted else { throw FerryError.invalid("\(f).name", "duplicate volume \"\(name)\"") }
            let scopeName = try string(o["scope"], "\(f).scope", required: false) ?? "workload"
            guard let scope = VolumeSpec.Scope(rawValue: scopeName) else {
                throw FerryError.invalid("\(f).scope", "must be one of \(VolumeSpec.Scope.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            let volumePath = try string(o["path"], "\(f).path", required: scope == .absolute)
            if let volumePath, !volumePath.hasPrefix("/") { throw FerryError.invalid("\(f).path", "must be an absolute path") }
            return VolumeSpec(name: name, scope: scope, path: volumePath)
        }
    }

    private func triggers(_ value: JSONValue?, _ field: String, source: any SourcePlugin) throws -> [TriggerRef] {
        guard let value, !value.isNull else { return [] }
        guard case .array(let list) = value else { throw FerryError.invalid(field, "expected array, got \(value.typeName)") }
        return try list.enumerated().map { i, entry in
            let f = "\(field).\(i)"
            guard case .object(let o) = entry else { throw FerryError.invalid(f, "expected object, got \(entry.typeName)") }
            for k in o.keys.sorted() where !["id", "kind", "action", "config"].contains(k) { throw FerryError.invalid("\(f).\(k)", "unknown field") }
            let id = try string(o["id"], "\(f).id", required: false)
            if let id, id.range(of: Self.namePattern, options: .regularExpression) == nil {
                throw FerryError.invalid("\(f).id", "\"\(id)\" is not a valid binding id (lower-case letters, digits and '-', at most 63)")
            }
            let kind = try string(o["kind"], "\(f).kind", required: true)!
            let trigger = try registry.trigger(kind, field: "\(f).kind")
            let action = try string(o["action"], "\(f).action", required: false) ?? "deploy"
            guard source.action(named: action) != nil else {
                throw FerryError.invalid("\(f).action", "source \(type(of: source).kind) has no action \"\(action)\" (has: \(source.actions.map(\.name).joined(separator: ", ")))")
            }
            let config = try schemas.validated(o["config"] ?? .object([:]), against: trigger.schema, at: "\(f).config")
            try (trigger as? any WatchTrigger)?.validate(config: config, at: "\(f).config", git: registry.git)
            return TriggerRef(id: id, kind: kind, action: action, config: config)
        }
    }
}

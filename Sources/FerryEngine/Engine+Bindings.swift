import FerryCore
import FerryStore
import Foundation

/// Bindings as their own entities: one trigger instance (one hook URL, one secret) driving one
/// or more workloads, each with its own action and filters.
extension Engine {
    /// Creates a binding from `{"id"?, "kind", "config", "workloads": [{"name", "action", "filters"}]}`.
    /// Returns the stored binding and its secret in plain text: the only time it is shown,
    /// apart from a rotation.
    public func createBinding(_ document: JSONValue) throws -> (Binding, secret: String?) {
        guard case .object(let members) = document else { throw FerryError.invalid("(binding)", "expected an object") }
        for key in members.keys.sorted() where !["id", "kind", "config", "workloads", "suspend"].contains(key) {
            throw FerryError.invalid(key, "unknown field")
        }
        guard let kind = members["kind"]?.stringValue else { throw FerryError.invalid("kind", "required") }
        let trigger = try registry.trigger(kind, field: "kind")
        var config = try SchemaValidator().validated(members["config"] ?? .object([:]), against: trigger.schema, at: "config")
        try (trigger as? any WatchTrigger)?.validate(config: config, at: "config", git: registry.git)
        let id = members["id"]?.stringValue ?? "bnd-\(Self.randomHex(6))"
        if id.range(of: WorkloadValidator.namePattern, options: .regularExpression) == nil {
            throw FerryError.invalid("id", "\"\(id)\" is not a valid binding id (lower-case letters, digits and '-')")
        }
        let targets = try validateTargets(members["workloads"], trigger: trigger)
        var secret: String?
        // `insecure: true` without a secret is the explicit choice of a hook that takes unsigned
        // deliveries; every other ingress binding gets a secret.
        if trigger is any IngressTrigger, config["secret"] != nil || config["insecure"] != .bool(true) {
            secret = config["secret"]?.stringValue ?? Self.randomHex(24)
            config = try sealingSecret(secret, in: config)
        }
        let binding = Binding(
            id: id, kind: kind, config: config, workloads: targets,
            suspend: members["suspend"] == .bool(true), createdAt: now())
        try database.insertBinding(binding)
        watchers.wake()
        logger.info("binding \(id) (\(kind)) created for \(targets.map(\.name).joined(separator: ", "))")
        return (binding, secret)
    }

    public func binding(_ id: String) throws -> Binding {
        guard let binding = try database.binding(id) else { throw FerryError.notFound("binding", id) }
        return binding
    }

    /// Deletes a shared binding. Inline bindings follow their workload file: change the file.
    public func deleteBinding(_ id: String) throws {
        let binding = try binding(id)
        if let owner = binding.owner {
            throw FerryError(.conflict, "binding \(id) is declared inline by workload \(owner); remove it from that workload's triggers")
        }
        try database.deleteBinding(id)
        // A watcher's cursor and status go with it: a new binding of that id starts afresh.
        try database.deleteRecords(owner: OwnedRecords.binding(id))
        watchers.wake()
    }

    /// Replaces the secret with a new random one and returns it (shown once).
    public func rotateSecret(_ id: String) throws -> (Binding, secret: String) {
        let binding = try binding(id)
        guard registry.triggers[binding.kind] is any IngressTrigger else {
            throw FerryError(.invalidInput, "binding \(id) (\(binding.kind)) has no secret to rotate")
        }
        let secret = Self.randomHex(24)
        let sealed = try sealingSecret(secret, in: binding.config)
        guard let updated = try database.updateBinding(id, { $0.config = sealed }) else { throw FerryError.notFound("binding", id) }
        logger.info("binding \(id): secret rotated")
        return (updated, secret)
    }

    public func setSuspended(binding id: String, _ suspended: Bool) throws -> Binding {
        guard let updated = try database.updateBinding(id, { $0.suspend = suspended }) else { throw FerryError.notFound("binding", id) }
        return updated
    }

    /// The binding's secret in plain text, for verifying a delivery; nil when it has none.
    func secret(of binding: Binding) throws -> String? {
        guard let stored = binding.config["secret"]?.stringValue, !stored.isEmpty else { return nil }
        return secrets.isSealed(stored) ? try secrets.open(stored) : stored
    }

    /// Seals the `secret` of inline triggers (`triggers.N.config.secret`) as env secrets are
    /// sealed, reusing the stored ciphertext when the plain value is unchanged so that applying
    /// the same file twice changes nothing.
    func sealTriggerSecrets(in spec: WorkloadSpec) throws -> WorkloadSpec {
        let stored = try database.workload(spec.name)?.spec.triggers ?? []
        var spec = spec
        for (i, trigger) in spec.triggers.enumerated() {
            guard let value = trigger.config["secret"]?.stringValue, !value.isEmpty else { continue }
            let plain = SecretBox.isSealed(value) ? try secrets.open(value, envKey: "triggers.\(i).config.secret") : value
            let previous = stored.indices.contains(i) ? stored[i].config["secret"]?.stringValue : nil
            let reuse = previous.flatMap { p in (try? secrets.open(p, envKey: "triggers.\(i).config.secret")) == plain ? p : nil }
            spec.triggers[i].config = try sealingSecret(plain, in: trigger.config, reuse: reuse)
        }
        return spec
    }

    private func sealingSecret(_ secret: String?, in config: JSONValue, reuse: String? = nil) throws -> JSONValue {
        guard case .object(var members) = config else { return config }
        members["secret"] = try secret.map { .string(try reuse ?? secrets.seal($0)) }
        return .object(members)
    }

    private func validateTargets(_ value: JSONValue?, trigger: any TriggerPlugin) throws -> [Binding.Target] {
        guard case .array(let list)? = value, !list.isEmpty else {
            throw FerryError.invalid("workloads", "list at least one workload: [{name, action, filters}]")
        }
        let filterSchema = (trigger as? any IngressTrigger)?.filterSchema ?? .empty
        return try list.enumerated().map { i, entry in
            let f = "workloads.\(i)"
            guard case .object(let o) = entry else { throw FerryError.invalid(f, "expected object, got \(entry.typeName)") }
            for key in o.keys.sorted() where !["name", "action", "filters"].contains(key) { throw FerryError.invalid("\(f).\(key)", "unknown field") }
            guard let name = o["name"]?.stringValue else { throw FerryError.invalid("\(f).name", "required") }
            let workload = try self.workload(name)
            let action = o["action"]?.stringValue ?? "deploy"
            let source = try registry.source(workload.spec.source.kind)
            guard source.action(named: action) != nil else {
                throw FerryError.invalid("\(f).action", "workload \(name) has no action \"\(action)\"")
            }
            let filters = try SchemaValidator().validated(o["filters"] ?? .object([:]), against: filterSchema, at: "\(f).filters")
            return Binding.Target(name: name, action: action, filters: filters)
        }
    }

    static func randomHex(_ bytes: Int) -> String {
        (0..<bytes).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
    }
}

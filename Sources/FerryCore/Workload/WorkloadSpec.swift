/// What a person wants a workload to be: the document `ferry apply` reads and `PUT /api/workloads`
/// takes. Everything Ferry does to a workload starts from its spec; a change to it bumps the
/// workload's generation, which the reconciler then closes.
public struct WorkloadSpec: Codable, Sendable, Equatable {
    public var name: String
    public var source: SourceRef
    public var env: [String: EnvValue]
    public var volumes: [VolumeSpec]
    public var parent: String?
    public var triggers: [TriggerRef]
    /// A suspended workload is left alone by triggers and the reconciler; manual runs still work.
    public var suspend: Bool
    /// Who may read what the workload serves: anyone, or callers with a token (or user) whose
    /// scope covers it. Public by default, as before tokens existed.
    public var access: WorkloadAccess
    /// Which notifications it sends (nil: as the server's targets say).
    public var notify: WorkloadNotify?
    /// Operator hooks per action.
    public var hooks: [String: ActionHooks]
    /// Plain-file copies of the live build for other servers (`PublishTarget`).
    public var publish: [PublishTarget]

    public init(
        name: String, source: SourceRef, env: [String: EnvValue] = [:], volumes: [VolumeSpec] = [],
        parent: String? = nil, triggers: [TriggerRef] = [], suspend: Bool = false,
        access: WorkloadAccess = .public
    ) {
        self.name = name
        self.source = source
        self.env = env
        self.volumes = volumes
        self.parent = parent
        self.triggers = triggers
        self.suspend = suspend
        self.access = access
        self.hooks = [:]
        self.publish = []
    }

    private enum CodingKeys: String, CodingKey { case name, source, env, volumes, parent, triggers, suspend, access, notify, hooks, publish }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        source = try c.decode(SourceRef.self, forKey: .source)
        env = try c.decodeIfPresent([String: EnvValue].self, forKey: .env) ?? [:]
        volumes = try c.decodeIfPresent([VolumeSpec].self, forKey: .volumes) ?? []
        parent = try c.decodeIfPresent(String.self, forKey: .parent)
        triggers = try c.decodeIfPresent([TriggerRef].self, forKey: .triggers) ?? []
        suspend = try c.decodeIfPresent(Bool.self, forKey: .suspend) ?? false
        access = try c.decodeIfPresent(WorkloadAccess.self, forKey: .access) ?? .public
        notify = try c.decodeIfPresent(WorkloadNotify.self, forKey: .notify)
        hooks = try c.decodeIfPresent([String: ActionHooks].self, forKey: .hooks) ?? [:]
        publish = try c.decodeIfPresent([PublishTarget].self, forKey: .publish) ?? []
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(source, forKey: .source)
        try c.encode(env, forKey: .env)
        try c.encode(volumes, forKey: .volumes)
        try c.encodeIfPresent(parent, forKey: .parent)
        try c.encode(triggers, forKey: .triggers)
        try c.encode(suspend, forKey: .suspend)
        try c.encode(access, forKey: .access)
        try c.encodeIfPresent(notify, forKey: .notify)
        // Left out when empty, so workloads stored before hooks existed keep their generation.
        if !hooks.isEmpty { try c.encode(hooks, forKey: .hooks) }
        if !publish.isEmpty { try c.encode(publish, forKey: .publish) }
    }
}

/// Which source plugin builds the workload, and its config (checked against the plugin's schema).
public struct SourceRef: Codable, Sendable, Equatable {
    public var kind: String
    public var config: JSONValue
    public init(kind: String, config: JSONValue = .object([:])) {
        self.kind = kind
        self.config = config
    }

    private enum CodingKeys: String, CodingKey { case kind, config }
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        kind = try c.decode(String.self, forKey: .kind)
        config = try c.decodeIfPresent(JSONValue.self, forKey: .config) ?? .object([:])
    }
}

/// An inline trigger in a workload file: the 1:1 shorthand for a binding.
public struct TriggerRef: Codable, Sendable, Equatable {
    /// The binding's id, so its hook URL. Given in the file, or filled in at apply: kept from
    /// the stored trigger at the same position, else random, so hook URLs cannot be guessed
    /// and do not change when the same file is applied again.
    public var id: String?
    public var kind: String
    public var action: String
    public var config: JSONValue
    public init(id: String? = nil, kind: String, action: String = "deploy", config: JSONValue = .object([:])) {
        self.id = id
        self.kind = kind
        self.action = action
        self.config = config
    }

    private enum CodingKeys: String, CodingKey { case id, kind, action, config }
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decodeIfPresent(String.self, forKey: .id)
        kind = try c.decode(String.self, forKey: .kind)
        action = try c.decodeIfPresent(String.self, forKey: .action) ?? "deploy"
        config = try c.decodeIfPresent(JSONValue.self, forKey: .config) ?? .object([:])
    }
}

/// One env entry. Written either as a plain string or as `{secret: true, value: "…"}`.
public struct EnvValue: Codable, Sendable, Equatable {
    public var value: String
    public var secret: Bool
    public init(_ value: String, secret: Bool = false) {
        self.value = value
        self.secret = secret
    }

    private enum CodingKeys: String, CodingKey { case value, secret }
    public init(from decoder: any Decoder) throws {
        if let plain = try? decoder.singleValueContainer().decode(String.self) {
            self.init(plain)
            return
        }
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(try c.decode(String.self, forKey: .value), secret: try c.decodeIfPresent(Bool.self, forKey: .secret) ?? false)
    }
}

/// Named storage a workload's jobs get in their context.
public struct VolumeSpec: Codable, Sendable, Equatable {
    public enum Scope: String, Codable, Sendable, CaseIterable {
        case workload, chain, absolute, ephemeral
    }
    public var name: String
    public var scope: Scope
    public var path: String?
    public init(name: String, scope: Scope = .workload, path: String? = nil) {
        self.name = name
        self.scope = scope
        self.path = path
    }
}

import FerryCore

/// A binding as the API shows it: `{"id", "kind", "config", "workloads", "hookURL"}`, with the
/// secret reduced to "set". `secret` is present only in the answer that created or rotated it.
struct BindingView: Encodable {
    var id: String
    var kind: String
    var config: JSONValue
    var workloads: [Binding.Target]
    var suspend: Bool
    var owner: String?
    var hookURL: String?
    var secret: String?
    /// Watch triggers only: what the watcher last reported (last check, errors, back-off) and
    /// what the trigger describes (a schedule's `nextFires`).
    var status: JSONValue?

    init(_ b: Binding, baseURL: String, ingress: Bool, secret: String? = nil, status: JSONValue? = nil) {
        id = b.id
        kind = b.kind
        var config = b.config.objectValue ?? [:]
        if config["secret"] != nil, config["secret"] != .null { config["secret"] = .string("set") }
        self.config = .object(config)
        workloads = b.workloads
        suspend = b.suspend
        owner = b.owner
        hookURL = ingress ? "\(baseURL)/hooks/\(b.id)" : nil
        self.secret = secret
        self.status = status
    }
}

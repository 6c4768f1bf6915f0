import FerryCore

/// Bounds on everything a client sends (`limits:` in the server config). Each bound has a key,
/// and every refusal names it, so whoever hits one learns which setting to raise.
public struct ServerLimits: Sendable, Equatable {
    /// Bytes of an API request body: workload files (`POST /api/apply`), env, bindings, actions.
    public var apiBody = 4 << 20
    /// Bytes of a web UI form post.
    public var formBody = 1 << 20
    /// Bytes of a webhook delivery (`POST /hooks/{id}`) and of a POST to a workload surface.
    public var hookBody = 1 << 20
    /// Webhook deliveries processed at once; more are answered 503 with Retry-After, so a burst
    /// costs a bounded amount of memory instead of a growing queue.
    public var hookQueue = 256
    /// Nesting levels of a JSON or YAML document (bodies and workload files).
    public var depth = WorkloadFile.Limits.standard.depth
    /// Nodes a YAML document may expand to once its aliases are followed (billion laughs).
    public var documentNodes = WorkloadFile.Limits.standard.nodes
    /// The largest `limit` a listing accepts.
    public var pageSize = 1000

    public init() {}

    static let schema = ConfigSchema.object([
        .init("apiBody", .integer("bytes of an API request body, workload files included", default: 4 << 20, minimum: 1024, maximum: 1 << 30)),
        .init("formBody", .integer("bytes of a web UI form post", default: 1 << 20, minimum: 1024, maximum: 1 << 30)),
        .init("hookBody", .integer("bytes of a webhook delivery or a POST to a workload surface", default: 1 << 20, minimum: 1024, maximum: 1 << 30)),
        .init("hookQueue", .integer("webhook deliveries processed at once; more get 503 with Retry-After", default: 256, minimum: 1, maximum: 100_000)),
        .init("depth", .integer("nesting levels of a JSON or YAML document", default: 64, minimum: 8, maximum: 512)),
        .init("documentNodes", .integer("nodes a YAML document may expand to, aliases followed", default: 1_000_000, minimum: 1000, maximum: 100_000_000)),
        .init("pageSize", .integer("the largest limit a listing accepts", default: 1000, minimum: 1, maximum: 100_000)),
    ])

    /// Reads the validated `limits` object; unset keys keep their defaults.
    static func read(_ value: JSONValue?) throws(FerryError) -> ServerLimits {
        var limits = ServerLimits()
        guard let value else { return limits }
        let whole = 0...Int.max
        func read(_ key: String, into target: inout Int) throws(FerryError) {
            if let n = try value.integerIfPresent(at: key, in: whole, prefix: "limits.") { target = n }
        }
        try read("apiBody", into: &limits.apiBody)
        try read("formBody", into: &limits.formBody)
        try read("hookBody", into: &limits.hookBody)
        try read("hookQueue", into: &limits.hookQueue)
        try read("depth", into: &limits.depth)
        try read("documentNodes", into: &limits.documentNodes)
        try read("pageSize", into: &limits.pageSize)
        return limits
    }

    var api: BodyLimit { BodyLimit(bytes: apiBody, key: "limits.apiBody") }
    var form: BodyLimit { BodyLimit(bytes: formBody, key: "limits.formBody") }
    var hook: BodyLimit { BodyLimit(bytes: hookBody, key: "limits.hookBody") }

    /// What `WorkloadFile.parse` enforces on request bodies.
    var documents: WorkloadFile.Limits {
        WorkloadFile.Limits(bytes: apiBody, depth: depth, nodes: documentNodes, bytesKey: "limits.apiBody", depthKey: "limits.depth", nodesKey: "limits.documentNodes")
    }
}

/// A byte bound and the config key that sets it.
struct BodyLimit: Sendable {
    var bytes: Int
    var key: String

    /// "request body is larger than 4 MiB (limits.apiBody)".
    var refusal: String { "request body is larger than \(ByteCount.text(bytes)) (\(key))" }
}

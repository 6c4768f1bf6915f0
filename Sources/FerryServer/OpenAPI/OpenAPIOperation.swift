import FerryCore

/// One route as `GET /api/openapi.json` describes it. The table of them (`OpenAPIOperation.all`)
/// is checked against the router route for route by a test, so a new route without a
/// description fails the suite.
struct OpenAPIOperation: Sendable {
    struct Parameter: Sendable {
        enum Place: String, Sendable { case path, query, header }
        var name: String
        var place: Place
        var schema: JSONValue
        var description: String
        var required: Bool
    }

    enum Body: Sendable {
        /// `application/json` with this schema.
        case json(JSONValue)
        /// A YAML or JSON workload file as text.
        case workloadFile
        /// Raw bytes (webhook deliveries, surface POSTs).
        case raw(String)
    }

    var method: String
    var path: String
    var summary: String
    var tag: String
    var parameters: [Parameter] = []
    var body: Body?
    /// Status → description of the success answers; every operation also answers the error shape.
    var success: [Int: (String, JSONValue?)]
    /// Error statuses this route answers besides the 400/401/403 every API route may.
    var errors: [Int] = []
    /// Answers text rather than JSON (logs, metrics).
    var textAnswer: String?

    static func pathParameter(_ name: String, _ description: String) -> Parameter {
        Parameter(name: name, place: .path, schema: .object(["type": .string("string")]), description: description, required: true)
    }

    static func query(_ name: String, _ type: String, _ description: String) -> Parameter {
        Parameter(name: name, place: .query, schema: .object(["type": .string(type)]), description: description, required: false)
    }

    static let limit = Parameter(
        name: "limit", place: .query, schema: .object(["type": .string("integer"), "minimum": .number(1)]),
        description: "at most this many items (1…limits.pageSize, default 100); anything else is a 400 naming it", required: false)
    static let offset = Parameter(
        name: "offset", place: .query, schema: .object(["type": .string("integer"), "minimum": .number(0)]),
        description: "items to skip", required: false)
}

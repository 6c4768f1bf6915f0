import FerryCore
import Foundation

/// One kind of upstream a poller can watch. `check` asks it once, with the validators of the
/// previous answer, and says what it saw; errors throw (`FerryError(.unavailable)`).
protocol Upstream: Sendable {
    /// Identifies what is watched (`npm:lodash@latest`); the cursor's key.
    var key: String { get }
    /// The URL an `auth` credential is sent to, checked when the binding is stored; nil for
    /// upstreams that take no `auth` header (git has its own `tokenEnv`).
    var endpoint: String? { get }
    func check(_ request: UpstreamCheck) async throws -> UpstreamAnswer
}

/// What a check may use: HTTP with the previous validators and auth headers, and commands.
struct UpstreamCheck: Sendable {
    var http: any HTTPFetcher
    var headers: [String: String]
    /// Which of `headers` carry the credential: the fetcher keeps them to the configured origin.
    var credentialHeaders: Set<String> = []
    var allowInsecure = false
    var etag: String?
    var lastModified: String?
    var run: @Sendable ([String], [String: String]) async throws -> CommandOutput
    /// A value of the first bound workload's env (a git token), nil when unset or unreadable.
    var env: @Sendable (String) -> String? = { _ in nil }

    /// GET with the validators; 304 is a valid answer, any other non-2xx throws.
    func get(_ url: String, conditional: Bool = true) async throws -> FetchResponse {
        var headers = self.headers
        headers["Accept"] = headers["Accept"] ?? "application/json"
        if conditional, let etag { headers["If-None-Match"] = etag }
        if conditional, let lastModified { headers["If-Modified-Since"] = lastModified }
        let response = try await http.fetch(FetchRequest(
            url: url, headers: headers, timeout: .seconds(30), maxBytes: 32 << 20,
            credentialHeaders: credentialHeaders, allowInsecure: allowInsecure))
        guard response.isSuccess || response.status == 304 else {
            throw FerryError(.unavailable, "\(url) answered \(response.status)")
        }
        return response
    }
}

/// What one check saw.
struct UpstreamAnswer: Sendable {
    /// Nil when the upstream said "not modified".
    var version: String?
    var revision: Revision?
    /// What people read in the event (`lodash 4.17.21`).
    var label: String
    var details: JSONValue = .object([:])
    var etag: String?
    var lastModified: String?

    static func notModified(_ previous: (etag: String?, lastModified: String?)) -> UpstreamAnswer {
        UpstreamAnswer(version: nil, revision: nil, label: "not modified", etag: previous.etag, lastModified: previous.lastModified)
    }
}

enum JSONBody {
    static func decode(_ response: FetchResponse, from url: String) throws -> JSONValue {
        do { return try JSONValue(parsing: response.body) } catch {
            throw FerryError(.unavailable, "\(url) did not answer JSON: \(error)")
        }
    }

    static func trimmed(_ base: String) -> String { base.hasSuffix("/") ? String(base.dropLast()) : base }
}

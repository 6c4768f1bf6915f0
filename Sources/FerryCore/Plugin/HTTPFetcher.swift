import Foundation

/// Outbound HTTP for plugins (upstream registries, WordPress.org, polled remotes), in plain
/// terms so plugins need no HTTP library. The engine's implementation bounds time and size;
/// upstream URLs always come from configuration.
public protocol HTTPFetcher: Sendable {
    /// Fetches a whole response into memory (at most `maxBytes`; larger answers throw).
    func fetch(_ request: FetchRequest) async throws -> FetchResponse
    /// Streams the body into `file` (written to a temporary name, then renamed), so large
    /// downloads never sit in memory; the returned response has an empty body.
    func download(_ request: FetchRequest, to file: URL) async throws -> FetchResponse
}

public struct FetchRequest: Sendable {
    public var url: String
    public var method: String
    /// Header names as sent.
    public var headers: [String: String]
    public var body: [UInt8]?
    public var timeout: Duration
    public var maxBytes: Int
    /// Names of the headers in `headers` that carry a credential. The fetcher sends them only
    /// where `CredentialTransport` allows: never over plain http to another host unless
    /// `allowInsecure`, and never after a redirect to another origin.
    public var credentialHeaders: Set<String>
    public var allowInsecure: Bool

    public init(
        url: String, method: String = "GET", headers: [String: String] = [:], body: [UInt8]? = nil,
        timeout: Duration = .seconds(30), maxBytes: Int = 64 << 20,
        credentialHeaders: Set<String> = [], allowInsecure: Bool = false
    ) {
        self.url = url
        self.method = method
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.maxBytes = maxBytes
        self.credentialHeaders = credentialHeaders
        self.allowInsecure = allowInsecure
    }
}

public struct FetchResponse: Sendable {
    public var status: Int
    /// Header names in lower case.
    public var headers: [String: String]
    public var body: [UInt8]

    public init(status: Int, headers: [String: String] = [:], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public var isSuccess: Bool { (200..<300).contains(status) }
}

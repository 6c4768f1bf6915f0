import Crypto
import FerryCore
import Foundation

/// One configured `proxy` entry with what a request to it needs: the credential from the
/// workload's env, sent only to the upstream's own origin (a dist on a CDN or GitHub gets no
/// header), and where its files sit in the cache.
struct ProxyUpstream: Sendable {
    let config: ComposerConfig.Proxy
    let index: Int
    let env: [String: String]

    var field: String { "source.config.proxy[\(index)]" }
    var base: String { config.base }
    /// The cache folder of this upstream: named after its URL, so reordering `proxy` entries
    /// keeps every cached file.
    var folder: String { "u-" + Hex.string(SHA256.hash(data: Array(base.utf8)).prefix(8)) }

    /// A request to `url`, with the credential when `url` is on the upstream's origin. Throws
    /// (naming `authEnv`) when the configured env entry is missing.
    func request(
        _ url: String, method: String = "GET", body: [UInt8]? = nil, headers extra: [String: String] = [:],
        accept: String? = "application/json", maxBytes: Int = 64 << 20
    ) throws -> FetchRequest {
        var headers = extra
        headers["Accept"] = accept
        headers["User-Agent"] = "Ferry composer-repo proxy"
        var credentialHeaders: Set<String> = []
        if let name = config.authEnv, CredentialTransport.sameOrigin(base, url) {
            guard let value = env[name], !value.isEmpty else {
                throw FerryError.invalid("\(field).authEnv", "names \(name), which the workload's env does not have")
            }
            headers["Authorization"] = value.contains(":") ? "Basic " + Data(value.utf8).base64EncodedString() : "Bearer " + value
            credentialHeaders = ["Authorization"]
        }
        return FetchRequest(
            url: url, method: method, headers: headers, body: body, timeout: .seconds(30), maxBytes: maxBytes,
            credentialHeaders: credentialHeaders, allowInsecure: config.allowInsecure ?? false)
    }

    /// The absolute URL of `path` (an absolute URL, or a path on the upstream's host, as
    /// `metadata-url` may be written either way).
    func absolute(_ path: String) -> String {
        if path.hasPrefix("http://") || path.hasPrefix("https://") { return path }
        guard path.hasPrefix("/") else { return base + "/" + path }
        let afterScheme = base.range(of: "://").map(\.upperBound) ?? base.startIndex
        let origin = base[afterScheme...].firstIndex(of: "/").map { String(base[..<$0]) } ?? base
        return origin + path
    }
}

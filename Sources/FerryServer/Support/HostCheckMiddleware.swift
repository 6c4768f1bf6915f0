import FerryCore
import Foundation
import Hummingbird

/// Answers only the Host names this server is configured for, against DNS rebinding: a page on
/// `evil.example` whose name is re-pointed at 127.0.0.1 reaches Ferry with `Host: evil.example`,
/// and is refused with 421 before any route or credential is looked at.
///
/// Accepted: `localhost`, the listen host, the hosts of `publicURL`, and `hosts:` in the server
/// config; also any IP literal, since a rebinding attack always arrives under a name. Ports are
/// not compared: rebinding changes where a name points, not the port, and a proxy may forward on
/// a port of its own. A request without Host (HTTP/1.0) cannot come from a browser page and passes.
struct HostCheckMiddleware<Context: RequestContext>: RouterMiddleware {
    let names: Set<String>

    init(_ config: ServerConfiguration) {
        var names: Set<String> = ["localhost"]
        names.insert(config.host.lowercased())
        if let host = config.publicURL.flatMap({ URL(string: $0)?.host }) { names.insert(host.lowercased()) }
        for entry in config.hosts { names.insert(Self.name(of: entry)) }
        self.names = names
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let authority = request.head.authority, !accepts(authority) else { return try await next(request, context) }
        throw FerryError(
            .misdirected,
            "this server does not answer for Host \"\(authority)\"; add it to `hosts:` in the server config if it is meant to",
            field: "Host")
    }

    func accepts(_ authority: String) -> Bool {
        let name = Self.name(of: authority)
        return names.contains(name) || Self.isIPLiteral(name)
    }

    /// The host name of `name[:port]` or `[v6][:port]`, lower-cased, brackets kept.
    static func name(of authority: String) -> String {
        let text = authority.lowercased()
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") { return String(text[...close]) }
        if let colon = text.lastIndex(of: ":"), text.firstIndex(of: ":") == colon { return String(text[..<colon]) }
        return text
    }

    static func isIPLiteral(_ name: String) -> Bool {
        if name.hasPrefix("["), name.hasSuffix("]") { return name.dropFirst().dropLast().allSatisfy { $0.isHexDigit || $0 == ":" || $0 == "." } }
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts.allSatisfy { part in part.count <= 3 && UInt8(part) != nil }
    }
}

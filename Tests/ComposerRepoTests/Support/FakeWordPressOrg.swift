import FerryTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Synchronization

/// A loopback stand-in for api.wordpress.org, downloads.wordpress.org and the plugin svn listing,
/// answering in their real shapes: `plugin_information` / `theme_information` with versions, the
/// closed plugin's 404, the recently-updated browse feed, `<li><a href="slug/">` listings, and
/// dist zips (real zips made with `git archive`, one `<slug>/` folder inside as WordPress.org ships).
final class FakeWordPressOrg: Sendable {
    enum Answer: Sendable {
        case plugin(Plugin)
        case closed
        case badJSON
        /// Answers only long after the client's timeout and every retry (4 s was once read as an
        /// answer under a loaded test run).
        case slow
    }

    struct Plugin: Sendable {
        var version: String
        var versions: [String]
        var lastUpdated: String
        var trunk = true
        var requiresPHP = "7.4"
    }

    /// How the recently-updated feed (`action=query_plugins`) answers.
    enum Feed: Sendable {
        case complete
        /// 400, as WordPress.org answers a query it does not like.
        case failing
        /// Leaves these slugs out, as a feed that dropped a change.
        case omitting(Set<String>)
    }

    private struct State {
        var feed = Feed.complete
        var answers: [String: Answer] = [:]
        var themes: [String: Plugin] = [:]
        var zips: [String: [UInt8]] = [:]
        var infoRequests: [String] = []
        var advisories = "{\"advisories\": {}}"
    }
    private let state = Mutex(State())
    private let work: URL

    init(work: URL) { self.work = work }

    var infoRequests: [String] { state.withLock { $0.infoRequests } }
    func resetRequests() { state.withLock { $0.infoRequests = [] } }
    func setFeed(_ feed: Feed) { state.withLock { $0.feed = feed } }
    /// The body of `GET /advisories.json`, an advisories feed for WordPress packages.
    func setAdvisories(_ body: String) { state.withLock { $0.advisories = body } }

    func set(_ slug: String, _ answer: Answer) throws {
        if case .plugin(let p) = answer {
            for version in p.versions + (p.trunk ? ["trunk"] : []) {
                let path = version == "trunk" ? "plugin/\(slug).zip" : "plugin/\(slug).\(version).zip"
                if state.withLock({ $0.zips[path] }) == nil {
                    let zip = try Self.zip(slug: slug, version: version, in: work)
                    state.withLock { $0.zips[path] = zip }
                }
            }
        }
        state.withLock { $0.answers[slug] = answer }
    }

    func setTheme(_ slug: String, _ theme: Plugin) throws {
        for version in theme.versions {
            let zip = try Self.zip(slug: slug, version: version, in: work)
            state.withLock { $0.zips["theme/\(slug).\(version).zip"] = zip }
        }
        state.withLock { $0.themes[slug] = theme }
    }

    /// Runs the fake on a loopback port for the body; the argument is its base URL.
    func run<T: Sendable>(_ body: @Sendable (String) async throws -> T) async throws -> T {
        let app = Application(router: router(), configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        return try await app.test(.live) { client in
            try await body("http://127.0.0.1:\(client.port!)")
        }
    }

    private func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.get("plugins/info/1.2") { request, _ in try await self.plugins(request) }
        router.get("themes/info/1.2") { request, _ in self.themes(request) }
        router.get("advisories.json") { _, _ in Self.respond(.ok, self.state.withLock { $0.advisories }) }
        router.get("svn") { _, _ in
            let slugs = self.state.withLock { $0.answers.keys.sorted() }
            let items = slugs.map { "  <li><a href=\"\($0)/\">\($0)/</a></li>" }.joined(separator: "\n")
            return Self.respond(.ok, "<html><head><title>Revision 3170000: /</title></head><body>\n<h2>Revision 3170000: /</h2>\n<ul>\n\(items)\n</ul></body></html>", type: "text/html")
        }
        router.get("plugin/{file}") { _, context in try self.zip("plugin/" + context.parameters.require("file")) }
        router.get("theme/{file}") { _, context in try self.zip("theme/" + context.parameters.require("file")) }
        return router
    }

    private func plugins(_ request: Request) async throws -> Response {
        let query = Self.query(request)
        if query["action"] == "query_plugins" {
            let (feed, answers) = state.withLock { ($0.feed, $0.answers) }
            if case .failing = feed { return Self.respond(.badRequest, "{\"error\":\"Invalid request.\"}") }
            let plugins = answers.compactMap { slug, answer -> (String, Plugin)? in
                if case .omitting(let left) = feed, left.contains(slug) { return nil }
                if case .plugin(let p) = answer { return (slug, p) } else { return nil }
            }.sorted { (Self.date($0.1.lastUpdated), $1.0) > (Self.date($1.1.lastUpdated), $0.0) }
            let items = plugins.map { "{\"slug\":\"\($0.0)\",\"name\":\"\($0.0)\",\"version\":\"\($0.1.version)\",\"last_updated\":\"\($0.1.lastUpdated)\"}" }
            return Self.respond(.ok, "{\"info\":{\"page\":1,\"pages\":1,\"results\":\(items.count)},\"plugins\":[\(items.joined(separator: ","))]}")
        }
        guard query["action"] == "plugin_information", let slug = query["request[slug]"] else {
            return Self.respond(.badRequest, "{\"error\":\"Action not implemented.\"}")
        }
        state.withLock { $0.infoRequests.append(slug) }
        switch state.withLock({ $0.answers[slug] }) {
        case nil:
            return Self.respond(.notFound, "{\"error\":\"Plugin not found.\"}")
        case .closed:
            return Self.respond(.notFound, "{\"error\":\"closed\",\"name\":\"\(slug)\",\"slug\":\"\(slug)\",\"description\":\"This plugin has been closed as of October 1, 2024 and is not available for download. This closure is permanent. Reason: Author Request.\",\"closed\":true,\"closed_date\":\"2024-10-01\",\"reason\":\"author-request\",\"reason_text\":\"Author Request\"}")
        case .badJSON:
            return Self.respond(.ok, "{\"name\":\"broken\",\"versions\":{\"1.0\":")
        case .slow:
            try await Task.sleep(for: .seconds(30))
            return Self.respond(.ok, "{}")
        case .plugin(let p):
            return Self.respond(.ok, info(slug: slug, p, kind: "plugin"))
        }
    }

    private func themes(_ request: Request) -> Response {
        let query = Self.query(request)
        if query["action"] == "query_themes" {
            return Self.respond(.ok, "{\"info\":{\"page\":1,\"pages\":1,\"results\":0},\"themes\":[]}")
        }
        guard let slug = query["request[slug]"], let theme = state.withLock({ $0.themes[slug] }) else {
            return Self.respond(.notFound, "{\"error\":\"Theme not found\"}")
        }
        return Self.respond(.ok, info(slug: slug, theme, kind: "theme"))
    }

    private func info(slug: String, _ p: Plugin, kind: String) -> String {
        let base = "http://downloads.example.invalid/\(kind)"
        var versions = p.versions.map { "\"\($0)\":\"\(base)/\(slug).\($0).zip\"" }
        if p.trunk && kind == "plugin" { versions.append("\"trunk\":\"\(base)/\(slug).zip\"") }
        return """
            {"name":"\(slug.capitalized)","slug":"\(slug)","version":"\(p.version)","author":"<a href=\\"https://example.org/\\">Test &amp; Author</a>",\
            "requires":"6.0","tested":"6.6","requires_php":"\(p.requiresPHP)","last_updated":"\(p.lastUpdated)","homepage":"https://example.org/\(slug)/",\
            "short_description":"The <b>\(slug)</b> \(kind) for tests.","download_link":"\(base)/\(slug).\(p.version).zip","active_installs":1000,\
            "versions":{\(versions.joined(separator: ","))}}
            """
    }

    private func zip(_ path: String) throws -> Response {
        let key = path.replacing(/\?.*$/, with: "")
        guard let bytes = state.withLock({ $0.zips[key] }) else { return Self.respond(.notFound, "not found", type: "text/plain") }
        return Response(status: .ok, headers: [.contentType: "application/zip"], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// The query with keys and values percent-decoded, as PHP reads `request[slug]`.
    static func query(_ request: Request) -> [String: String] {
        var out: [String: String] = [:]
        for pair in (request.uri.query ?? "").split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).removingPercentEncoding ?? String($0) }
            if let key = parts.first { out[key] = parts.count > 1 ? parts[1] : "" }
        }
        return out
    }

    static func respond(_ status: HTTPResponse.Status, _ body: String, type: String = "application/json") -> Response {
        Response(status: status, headers: [.contentType: type], body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    private static func date(_ text: String) -> String {
        // "2024-10-03 2:31pm GMT" sorts well enough by its date part plus a zero-padded time for the feed order.
        let parts = text.split(separator: " ")
        return parts.first.map(String.init) ?? text
    }

    /// A real zip holding `<slug>/<slug>.php` whose header names the version.
    static func zip(slug: String, version: String, in work: URL) throws -> [UInt8] {
        let repo = try GitRepo(in: work, name: "zip-\(slug)-\(version)-\(UUID().uuidString.prefix(6))")
        try repo.commit(["\(slug)/\(slug).php": "<?php\n/*\n * Plugin Name: \(slug)\n * Version: \(version)\n */\n"])
        let file = work.appendingPathComponent("\(slug)-\(version)-\(UUID().uuidString.prefix(6)).zip")
        try repo.git("archive", "--format=zip", "-o", file.path, "HEAD")
        return Array(try Data(contentsOf: file))
    }
}

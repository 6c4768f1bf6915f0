import FerryCore
import FerryEngine
import FerryServer
import FerryTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing

/// Drives the web UI through the real router, as a browser without JavaScript would: GET
/// pages, POST forms, follow nothing by itself. The server reads the repository's `web/`.
enum UIFerry {
    /// The repository's `web/` folder, found from this file's path, whatever the working directory.
    static let webDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("web").path

    static func run<T: Sendable>(_ body: @Sendable (Browser, Engine, URL) async throws -> T) async throws -> T {
        let temp = try TempDir()
        var config = ServerConfiguration()
        config.port = 0
        config.dataDirectory = temp.url.appendingPathComponent("data")
        config.reconcile = false
        config.auth.mode = .none
        config.gitFileRoots = [temp.url.standardizedFileURL.path]
        config.webDirectory = webDirectory
        var logger = Logger(label: "ferry-ui-test")
        logger.logLevel = .warning
        let (app, engine) = try buildApplication(config, logger: logger)
        return try await app.test(.router) { client in
            try await body(Browser(raw: client), engine, temp.url)
        }
    }

    struct Browser: Sendable {
        let raw: any TestClientProtocol

        func get(_ uri: String, language: String? = nil, cookie: String? = nil) async throws -> Page {
            var headers: HTTPFields = [.accept: "text/html"]
            if let language { headers[.acceptLanguage] = language }
            if let cookie { headers[.cookie] = cookie }
            return Page(try await raw.execute(uri: uri, method: .get, headers: headers))
        }

        /// Posts a form as a browser on Ferry's own pages does: `application/x-www-form-urlencoded`,
        /// from this server's origin, with the anti-forgery token the pages carry (read from the
        /// dashboard's `ferry-csrf` meta tag) unless `csrf` names another or `nil` leaves it out.
        func post(
            _ uri: String, _ fields: [(String, String)], origin: String? = "http://localhost", host: String? = nil,
            csrf: String?? = .none, cookie: String? = nil
        ) async throws -> Page {
            let token: String? = switch csrf {
            case .none: try await formToken(cookie: cookie)
            case .some(let given): given
            }
            let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._*"))
            let body = (fields + (token.map { [("_csrf", $0)] } ?? [])).map { name, value in
                "\(name.addingPercentEncoding(withAllowedCharacters: allowed)!)=\(value.addingPercentEncoding(withAllowedCharacters: allowed)!)"
            }.joined(separator: "&")
            var headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
            if let origin { headers[.origin] = origin }
            if let host { headers[HTTPField.Name("host")!] = host }
            if let cookie { headers[.cookie] = cookie }
            return Page(try await raw.execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(string: body)))
        }

        /// The token a page's forms carry, as the dashboard shows it.
        func formToken(cookie: String? = nil) async throws -> String {
            let html = try await get("/", cookie: cookie).html
            let marker = #"<meta name="ferry-csrf" content=""#
            let start = try #require(html.range(of: marker), "the dashboard carries no form token").upperBound
            return String(html[start...].prefix { $0 != "\"" })
        }

        /// Waits (polling, at most two minutes) for a job to end.
        func waitFor(job id: String) async throws {
            for _ in 0..<1200 {
                let response = try await raw.execute(uri: "/api/jobs/\(id)", method: .get, headers: [:], body: nil)
                let state = (try? JSONDecoder().decode(JSONValue.self, from: Data(buffer: response.body)))?["state"]?.stringValue ?? ""
                if ["succeeded", "failed", "cancelled"].contains(state) { return }
                try await Task.sleep(for: .milliseconds(100))
            }
        }
    }

    struct Page: Sendable {
        let status: HTTPResponse.Status
        let html: String
        let location: String?
        let headers: HTTPFields

        init(_ response: TestResponse) {
            status = response.status
            html = String(buffer: response.body)
            location = response.headers[.location]
            headers = response.headers
        }

        /// The server's message shown beside the field named `path`, if any.
        func error(at path: String) -> String? {
            let escaped = NSRegularExpression.escapedPattern(for: path)
            let pattern = #"data-path=""# + escaped + #"">(?:(?!<div class="field).)*?class="field-error"[^>]*>([^<]*)<"#
            guard let regex = try? NSRegularExpression(pattern: pattern, options: [.dotMatchesLineSeparators]),
                let match = regex.firstMatch(in: html, range: NSRange(html.startIndex..., in: html)),
                let range = Range(match.range(at: 1), in: html)
            else { return nil }
            return String(html[range])
        }

        /// The values of an attribute on the page (`name` → every control's name).
        func attributes(_ name: String) -> [String] {
            guard let regex = try? NSRegularExpression(pattern: " \(name)=\"([^\"]*)\"") else { return [] }
            return regex.matches(in: html, range: NSRange(html.startIndex..., in: html)).compactMap {
                Range($0.range(at: 1), in: html).map { String(html[$0]) }
            }
        }
    }
}

/// The wizard's fields for a static-site workload from `repo`, as a browser posts them.
func siteForm(_ name: String, repo: String, op: String = "create", extra: [(String, String)] = []) -> [(String, String)] {
    [
        ("source.kind", "static-site"), ("name", name), ("source.config.repo", repo), ("source.config.branch", "main"),
        ("source.config.folder", "public"), ("source.config.markdown", "false"), ("source.config.tokenEnv", "GIT_TOKEN"),
        ("newTrigger", "manual"),
    ] + extra + [("op", op)]
}

extension Engine {
    /// Applies a workload file's text, as `ferry apply` would.
    @discardableResult
    func applyText(_ text: String) throws -> Workload {
        try apply(try WorkloadFile.parse(text).first!.value).0
    }
}

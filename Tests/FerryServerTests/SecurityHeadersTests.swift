import FerryServer
import FerryTestSupport
import Foundation
import HTTPTypes
import PluginTestKit
import Testing

/// What a site serves runs sandboxed, away from the UI's and API's origin; the UI and API
/// allow only their own script and refuse to be framed or sniffed.
@Suite(.offPool) struct SecurityHeadersTests {
    static let csp = HTTPField.Name("Content-Security-Policy")!

    static func expectAdminHeaders(_ fields: HTTPFields, _ what: String) {
        let policy = fields[csp] ?? ""
        #expect(policy.contains("script-src 'self'"), "\(what): \(policy)")
        #expect(policy.contains("frame-ancestors 'none'"), "\(what): \(policy)")
        #expect(!policy.contains("unsafe-inline") && !policy.contains("sandbox"), "\(what): \(policy)")
        #expect(fields[HTTPField.Name("X-Frame-Options")!] == "DENY", "\(what)")
        #expect(fields[HTTPField.Name("X-Content-Type-Options")!] == "nosniff", "\(what)")
        #expect(fields[HTTPField.Name("Referrer-Policy")!] == "same-origin", "\(what)")
    }

    @Test func theUIAndTheAPIAllowOnlyTheirOwnScriptAndCannotBeFramed() async throws {
        try await TestFerry.run(configure: { $0.webDirectory = UIFerry.webDirectory }) { client, _, _ in
            let page = try await client.get("/")
            #expect(page.status == .ok)
            Self.expectAdminHeaders(page.headers, "GET /")
            let api = try await client.get("/api/workloads")
            #expect(api.status == .ok)
            Self.expectAdminHeaders(api.headers, "GET /api/workloads")
            let missing = try await client.get("/api/workloads/nobody")
            #expect(missing.status == .notFound)
            Self.expectAdminHeaders(missing.headers, "an API error")
        }
    }

    @Test func aSitesHTMLRunsSandboxedWithoutFerrysOrigin() async throws {
        try await TestFerry.run { client, _, temp in
            let repo = try GitRepo(in: temp)
            try repo.commit([
                "public/index.html": "<script>fetch('/api/workloads').then(r => r.text()).then(alert)</script>",
                "public/logo.svg": "<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
            ])
            try await client.apply(siteWorkload("site", repo: repo))
            #expect(try await client.run("site")["state"] == .string("succeeded"))
            for path in ["/sites/site/", "/sites/site/logo.svg", "/sites/site/missing"] {
                let response = try await client.get(path)
                let policy = response.headers[Self.csp] ?? ""
                #expect(policy.hasPrefix("sandbox "), "\(path): \(policy)")
                #expect(policy.contains("allow-scripts"), "\(path): \(policy)")
                #expect(!policy.contains("allow-same-origin"), "\(path) would get Ferry's origin back: \(policy)")
                #expect(response.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff")
            }
        }
    }

    @Test func noTemplateCarriesInlineScriptOrEventHandlers() throws {
        let folder = URL(fileURLWithPath: UIFerry.webDirectory).appendingPathComponent("templates")
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) {
            let text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
            #expect(text.range(of: #"<script(?![^>]*\ssrc=)[^>]*>"#, options: .regularExpression) == nil, "\(name) has an inline <script>")
            #expect(text.range(of: #"\son[a-z]+\s*="#, options: [.regularExpression, .caseInsensitive]) == nil, "\(name) has an on… attribute")
            #expect(!text.contains("javascript:"), "\(name) has a javascript: URL")
        }
    }
}

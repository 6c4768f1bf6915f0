import FerryCore
import FerryEngine
import FerryServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PluginTestKit
import Testing

/// The trust boundary, as a caller on the network meets it: tokens, roles, scopes, refusals
/// that never tell whether a token exists, per-client limits, and who-did-it in the event log.
@Suite(.offPool) struct AuthTests {
    static let site = #"{"name": "site", "source": {"kind": "static-site", "config": {"repo": "https://example.invalid/site.git"}}}"#

    /// A server with auth on, an admin token made the way `ferry token create --data` makes it.
    func withAuth<T: Sendable>(
        configure: @escaping @Sendable (inout ServerConfiguration) -> Void = { _ in },
        _ body: @Sendable (TestFerry.Client, Engine, String) async throws -> T
    ) async throws -> T {
        try await TestFerry.run(configure: { config in
            config.auth.mode = .token
            configure(&config)
        }) { client, engine, _ in
            let (_, admin) = try engine.access.createToken(name: "root", role: .admin)
            return try await body(client, engine, admin)
        }
    }

    func bearer(_ secret: String) -> HTTPFields { [.authorization: "Bearer \(secret)"] }

    @Test func withoutATokenTheAPIAnswers401AndStoresNothing() async throws {
        try await withAuth { client, engine, _ in
            let listed = try await client.get("/api/workloads")
            #expect(listed.status == .unauthorized)
            #expect(listed.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
            let applied = try await client.raw.execute(
                uri: "/api/apply", method: .post, headers: [.contentType: "application/json"], body: .init(string: Self.site))
            #expect(applied.status == .unauthorized)
            #expect(try engine.database.workload("site") == nil)
            #expect(try await client.get("/api/health").status == .ok)
        }
    }

    @Test func anAdminTokenAppliesAndTheEventLogNamesIt() async throws {
        try await withAuth { client, engine, admin in
            var headers = bearer(admin)
            headers[.contentType] = "application/json"
            let applied = try await client.raw.execute(uri: "/api/apply", method: .post, headers: headers, body: .init(string: Self.site))
            #expect(applied.status == .ok, "\(String(buffer: applied.body))")
            let events = try await client.raw.execute(uri: "/api/events?by=token:root", method: .get, headers: bearer(admin))
            let list = try JSONDecoder().decode(JSONValue.self, from: Data(buffer: events.body))
            guard case .array(let items) = list else { Issue.record("events: \(list)"); return }
            #expect(items.contains { $0["summary"]?.stringValue == "POST /api/apply" && $0["by"]?.stringValue == "token:root" })
        }
    }

    @Test func aViewerReadsButMayNotApplyOrRunActions() async throws {
        try await withAuth { client, engine, admin in
            _ = try engine.apply(try JSONDecoder().decode(JSONValue.self, from: Data(Self.site.utf8)))
            let (_, viewer) = try engine.access.createToken(name: "watcher", role: .viewer)
            #expect(try await client.get("/api/workloads/site", headers: bearer(viewer)).status == .ok)
            var headers = bearer(viewer)
            headers[.contentType] = "application/json"
            let run = try await client.raw.execute(
                uri: "/api/workloads/site/actions/deploy", method: .post, headers: headers, body: .init(string: "{}"))
            #expect(run.status == .forbidden)
            #expect(String(buffer: run.body).contains("token:watcher (viewer) may not operate workload site"))
            let tokens = try await client.get("/api/tokens", headers: bearer(viewer))
            #expect(tokens.status == .forbidden)
            #expect(try engine.database.jobs(workload: "site", states: [.queued, .running]).isEmpty)
            _ = admin
        }
    }

    @Test func anOperatorActsOnlyOnTheWorkloadsInItsScope() async throws {
        try await withAuth { client, engine, _ in
            _ = try engine.apply(try JSONDecoder().decode(JSONValue.self, from: Data(Self.site.utf8)))
            let (_, other) = try engine.access.createToken(name: "wp-ops", role: .operator, scope: try WorkloadScope(parsing: "wp-*"))
            var headers = bearer(other)
            headers[.contentType] = "application/json"
            let suspend = try await client.raw.execute(uri: "/api/workloads/site/suspend", method: .post, headers: headers, body: .init(string: "{}"))
            #expect(suspend.status == .forbidden)
            #expect(try engine.workload("site").spec.suspend == false)
        }
    }

    @Test func expiredRevokedAndUnknownTokensGetTheSameAnswer() async throws {
        try await withAuth { client, engine, _ in
            let (_, revoked) = try engine.access.createToken(name: "gone", role: .admin)
            try engine.access.revokeToken("gone")
            let (_, expired) = try engine.access.createToken(name: "old", role: .admin, expiresIn: 0.001)
            try await Task.sleep(for: .milliseconds(20))
            var bodies: Set<String> = []
            for secret in [revoked, expired, "ferry_" + String(repeating: "x", count: 43)] {
                let response = try await client.get("/api/workloads", headers: bearer(secret))
                #expect(response.status == .unauthorized)
                bodies.insert(String(buffer: response.body))
            }
            #expect(bodies.count == 1)
            #expect(!(bodies.first ?? "").contains("ferry_"))
        }
    }

    @Test func failedAuthenticationIsLimitedPerClientAndRecorded() async throws {
        try await withAuth(configure: { $0.auth.failureLimit = 3 }) { client, engine, admin in
            for _ in 0..<3 {
                #expect(try await client.get("/api/workloads", headers: bearer("ferry_wrong")).status == .unauthorized)
            }
            let limited = try await client.get("/api/workloads", headers: bearer(admin))
            #expect(limited.status == .tooManyRequests)
            #expect(Int(limited.headers[.retryAfter] ?? "") ?? 0 >= 1)
            #expect(try engine.database.events(outcome: .refused, kind: "auth").count == 3)
        }
    }

    @Test func aUserSignsInWithAPasswordOverBasicAuth() async throws {
        try await withAuth { client, engine, _ in
            _ = try engine.access.createUser(name: "alice", role: .viewer, password: "correct horse battery")
            let good = "Basic " + Data("alice:correct horse battery".utf8).base64EncodedString()
            let bad = "Basic " + Data("alice:wrong password!".utf8).base64EncodedString()
            #expect(try await client.get("/api/whoami", headers: [.authorization: good]).status == .ok)
            #expect(try await client.get("/api/whoami", headers: [.authorization: bad]).status == .unauthorized)
            #expect(throws: FerryError.self) { try engine.access.createUser(name: "bob", role: .viewer, password: "short") }
        }
    }

    @Test func tokensAreStoredOnlyAsHashesAndListedWithoutSecrets() async throws {
        try await withAuth { client, engine, admin in
            var headers = bearer(admin)
            headers[.contentType] = "application/json"
            let made = try await client.raw.execute(
                uri: "/api/tokens", method: .post, headers: headers, body: .init(string: #"{"name": "ci", "role": "operator", "expires": "90d"}"#))
            #expect(made.status == .created)
            let secret = try JSONDecoder().decode(JSONValue.self, from: Data(buffer: made.body))["secret"]?.stringValue ?? ""
            #expect(secret.hasPrefix("ferry_"))
            let listed = String(buffer: try await client.get("/api/tokens", headers: bearer(admin)).body)
            #expect(listed.contains("\"ci\"") && !listed.contains(secret))
            let file = try Data(contentsOf: engine.paths.database)
            #expect(file.range(of: Data(secret.utf8)) == nil)
            let badRole = try await client.raw.execute(
                uri: "/api/tokens", method: .post, headers: headers, body: .init(string: #"{"name": "x", "role": "god"}"#))
            #expect(badRole.status == .badRequest)
        }
    }

    @Test func modeNoneIsRefusedOnANonLoopbackAddress() throws {
        var config = ServerConfiguration()
        config.host = "0.0.0.0"
        config.auth.mode = .none
        config.dataDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("ferry-auth-\(UUID().uuidString)")
        #expect(throws: FerryError.self) { _ = try buildApplication(config) }
    }

    @Test func aBrowserIsSentToSignInAndGetsAStrictHttpOnlyCookie() async throws {
        try await withAuth { client, engine, _ in
            _ = try engine.access.createUser(name: "alice", role: .viewer, password: "correct horse battery")
            let page = try await client.get("/events")
            #expect(page.status == .seeOther)
            #expect(page.headers[.location] == "/signin?next=%2Fevents")
            let wrong = try await signIn(client, "name=alice&password=nope&next=%2Fevents")
            #expect(wrong.status == .unauthorized)
            #expect(wrong.headers[.setCookie] == nil)
            let signed = try await signIn(client, "name=alice&password=correct+horse+battery&next=%2Fevents")
            #expect(signed.status == .seeOther)
            #expect(signed.headers[.location] == "/events")
            let cookie = try #require(signed.headers[.setCookie])
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"))
            #expect(cookie.contains("Max-Age=43200"), "the default auth.sessionLifetime is 12h: \(cookie)")
            let session = String(cookie.split(separator: ";")[0])
            let events = try await client.get("/api/whoami", headers: [.cookie: session])
            #expect(String(buffer: events.body).contains("alice"))
            // The cookie alone may not change state through the API.
            let change = try await client.raw.execute(
                uri: "/api/tokens", method: .post, headers: [.cookie: session, .contentType: "application/json"],
                body: .init(string: #"{"name": "x", "role": "admin"}"#))
            #expect(change.status == .forbidden)
            let offsite = try await signIn(client, "next=https%3A%2F%2Fevil.example")
            #expect(offsite.headers[.location] == nil)
        }
    }

    @Test func theSessionLastsAsLongAsTheServerConfigSays() async throws {
        try await withAuth(configure: { $0.auth.sessionLifetime = .seconds(90) }) { client, engine, _ in
            _ = try engine.access.createUser(name: "bob", role: .viewer, password: "correct horse battery")
            let signed = try await signIn(client, "name=bob&password=correct+horse+battery")
            let cookie = try #require(signed.headers[.setCookie])
            #expect(cookie.contains("Max-Age=90"), "\(cookie)")
        }
    }

    @Test func aSignInFormWithoutItsPagesTokenOrFromAnotherSiteIsRefused() async throws {
        try await withAuth { client, engine, _ in
            _ = try engine.access.createUser(name: "carol", role: .viewer, password: "correct horse battery")
            let fields = "name=carol&password=correct+horse+battery"
            let headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded", .origin: "http://localhost"]
            let tokenless = try await client.raw.execute(uri: "/signin", method: .post, headers: headers, body: .init(string: fields))
            #expect(tokenless.status == .forbidden)
            #expect(tokenless.headers[.setCookie] == nil)
            var foreign = headers
            foreign[.origin] = "http://evil.example"
            let token = try await formToken(client)
            let offsite = try await client.raw.execute(uri: "/signin", method: .post, headers: foreign, body: .init(string: fields + "&_csrf=" + token))
            #expect(offsite.status == .forbidden)
            var originless = headers
            originless[.origin] = nil
            let bare = try await client.raw.execute(uri: "/signin", method: .post, headers: originless, body: .init(string: fields + "&_csrf=" + token))
            #expect(bare.status == .forbidden)
        }
    }

    /// The anti-forgery token the sign-in page puts in its form.
    func formToken(_ client: TestFerry.Client, cookie: String? = nil) async throws -> String {
        let page = String(buffer: try await client.get("/signin").body)
        let marker = #"name="_csrf" value=""#
        let start = try #require(page.range(of: marker)).upperBound
        return String(page[start...].prefix { $0 != "\"" })
    }

    /// Posts the sign-in form as a browser on the sign-in page does: same origin, with its token.
    func signIn(_ client: TestFerry.Client, _ fields: String) async throws -> TestResponse {
        let token = try await formToken(client)
        return try await client.raw.execute(
            uri: "/signin", method: .post,
            headers: [.contentType: "application/x-www-form-urlencoded", .origin: "http://localhost"],
            body: .init(string: fields + "&_csrf=" + token))
    }
}

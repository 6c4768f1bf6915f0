import FerryCore
import Foundation
import PluginTestKit
import Testing
@testable import RegistryPollTrigger

/// A registry credential goes only to the origin configured beside it: a redirect to another
/// origin is followed without it, whatever the header is called, and plain http to a host that
/// is not loopback is refused when the binding is stored unless it says `allowInsecure: true`.
@Suite struct CredentialRedirectTests {
    func config(_ registry: String, header: String? = nil, allowInsecure: Bool = false) -> JSONValue {
        var auth: [String: JSONValue] = ["env": .string("NPM_TOKEN")]
        if let header { auth["header"] = .string(header); auth["prefix"] = .string("") }
        var document: [String: JSONValue] = [
            "interval": .string("5m"), "npm": .object(["registry": .string(registry), "package": .string("left-pad")]),
            "auth": .object(auth),
        ]
        if allowInsecure { document["allowInsecure"] = .bool(true) }
        return .object(document)
    }

    @Test(arguments: ["Authorization", "X-Api-Key"])
    func aRedirectToAnotherOriginLeavesTheCredentialBehind(header: String) async throws {
        let attacker = try LoopbackServer()
        let registry = try LoopbackServer()
        defer { attacker.stop(); registry.stop() }
        attacker.answer { _ in .json(packument("left-pad", latest: "6.6.6", versions: ["6.6.6"])) }
        registry.answer { _ in .init(status: 302, headers: ["Location": "\(attacker.base)/left-pad"]) }

        let usesHeader = header == "Authorization" ? nil : header
        let context = pollContext(config(registry.base, header: usesHeader), env: ["NPM_TOKEN": "s3cret-token"])
        var p = try poller(context)
        _ = try await p.poll(context)

        let sent = try #require(registry.requests.first)
        #expect(sent.headers[header.lowercased()]?.contains("s3cret-token") == true, "the configured registry gets the credential")
        let followed = try #require(attacker.requests.first, "the redirect is still followed")
        #expect(followed.path == "/left-pad")
        #expect(!followed.headers.values.contains { $0.contains("s3cret-token") }, "\(followed.headers)")
        #expect(p.state.delivered == "6.6.6")
    }

    @Test func aRedirectWithinTheSameOriginKeepsTheCredential() async throws {
        let registry = try LoopbackServer()
        defer { registry.stop() }
        registry.answer { request in
            if request.path == "/left-pad" { return .init(status: 301, headers: ["Location": "/mirror/left-pad"]) }
            return request.headers["authorization"] == "Bearer s3cret-token"
                ? .json(packument("left-pad", latest: "1.2.0", versions: ["1.2.0"])) : .init(status: 401)
        }
        let context = pollContext(config(registry.base), env: ["NPM_TOKEN": "s3cret-token"])
        var p = try poller(context)
        _ = try await p.poll(context)
        #expect(registry.requests.map(\.path) == ["/left-pad", "/mirror/left-pad"])
        #expect(p.state.delivered == "1.2.0")
    }

    @Test func plainHTTPToARemoteHostIsRefusedUntilTheBindingAllowsIt() throws {
        let refused = #expect(throws: FerryError.self) {
            try PollConfig(config("http://registry.example.com/"), git: GitPolicy())
        }
        #expect(refused?.field == "config.npm")
        #expect(refused?.message.contains("allowInsecure") == true)
        #expect(refused?.message.contains("NPM_TOKEN") == true)

        #expect(try PollConfig(config("http://registry.example.com/", allowInsecure: true), git: GitPolicy()).allowInsecure)
        #expect(throws: Never.self) { try PollConfig(config("https://registry.example.com/"), git: GitPolicy()) }
        #expect(throws: Never.self) { try PollConfig(config("http://127.0.0.1:4873/"), git: GitPolicy()) }
    }
}

import FerryCore
import FerryTestSupport
import Foundation
import PluginTestKit
import Testing

/// A page whose name was re-pointed at Ferry's address (DNS rebinding) arrives with its own
/// Host, and is refused before any route runs; the names Ferry is configured for pass.
@Suite(.offPool) struct HostCheckTests {
    /// `curl` with an explicit Host header; returns the status and the body.
    static func curl(port: Int, host: String, _ path: String = "/api/workloads") async throws -> (Int, String) {
        let out = try await Shell.output(["curl", "-s", "-H", "Host: \(host)", "-w", "\n%{http_code}", "http://127.0.0.1:\(port)\(path)"])
        let lines = out.split(separator: "\n", omittingEmptySubsequences: false)
        return (Int(lines.last ?? "") ?? 0, lines.dropLast().joined(separator: "\n"))
    }

    @Test func aForeignHostIsRefusedWithAnErrorNamingIt() async throws {
        try await TestFerry.run { client, _, _ in
            let port = try #require(client.raw.port)
            let (status, body) = try await Self.curl(port: port, host: "rebound.attacker.example:\(port)")
            #expect(status == 421)
            let error = try JSONDecoder().decode(JSONValue.self, from: Data(body.utf8))["error"]
            #expect(error?["code"] == .string("misdirected"))
            #expect(error?["message"]?.stringValue?.contains("rebound.attacker.example") == true, "\(body)")
            #expect(try await Self.curl(port: port, host: "rebound.attacker.example", "/sites/x/").0 == 421)
        }
    }

    @Test func loopbackNamesAndIPAddressesPass() async throws {
        try await TestFerry.run { client, _, _ in
            let port = try #require(client.raw.port)
            for host in ["localhost:\(port)", "LOCALHOST:\(port)", "127.0.0.1:\(port)", "[::1]:\(port)", "10.1.2.3:8080"] {
                #expect(try await Self.curl(port: port, host: host).0 == 200, "\(host)")
            }
        }
    }

    @Test func publicURLAndConfiguredHostsPass() async throws {
        try await TestFerry.run(configure: { config in
            config.publicURL = "https://ferry.example.org"
            config.hosts = ["ci.example.org", "mirror.example.org:8443"]
        }) { client, _, _ in
            let port = try #require(client.raw.port)
            for host in ["ferry.example.org", "ci.example.org:\(port)", "mirror.example.org"] {
                #expect(try await Self.curl(port: port, host: host).0 == 200, "\(host)")
            }
            #expect(try await Self.curl(port: port, host: "example.org").0 == 421)
        }
    }
}

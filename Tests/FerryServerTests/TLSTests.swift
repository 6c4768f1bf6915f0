import FerryCore
import FerryServer
import FerryTestSupport
import Foundation
import PluginTestKit
import Testing

/// `tls: {cert, key}` serves HTTPS itself, with the certificate it is given; a wrong file stops
/// the server with the key that names it.
@Suite(.offPool) struct TLSTests {
    /// A self-signed certificate for localhost, as `openssl` makes one.
    static func selfSigned(in folder: URL) throws -> ServerTLS {
        let cert = folder.appendingPathComponent("cert.pem").path, key = folder.appendingPathComponent("key.pem").path
        try Shell.run([
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-days", "2",
            "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", key, "-out", cert,
        ])
        return ServerTLS(cert: cert, key: key)
    }

    @Test func theServerAnswersHTTPSWithTheGivenCertificate() async throws {
        let folder = try TempDir()
        let tls = try Self.selfSigned(in: folder.url)
        try await TestFerry.run(configure: { $0.tls = tls }) { client, _, _ in
            let port = try #require(client.raw.port)
            let body = try await Shell.output(["curl", "-sS", "--fail", "--cacert", tls.cert, "https://localhost:\(port)/api/workloads"])
            #expect(body.contains("["), "\(body)")
            let issuer = try await Shell.output([
                "sh", "-c", "openssl s_client -connect 127.0.0.1:\(port) -servername localhost </dev/null 2>/dev/null | openssl x509 -noout -fingerprint -sha256",
            ])
            let expected = try Shell.run(["openssl", "x509", "-in", tls.cert, "-noout", "-fingerprint", "-sha256"])
            #expect(issuer == expected)
            await #expect(throws: (any Error).self, "plain http is not answered") {
                try await Shell.output(["curl", "-sS", "--fail", "--max-time", "5", "http://localhost:\(port)/api/workloads"])
            }
        }
    }

    @Test func withTLSOnURLsAreHTTPSAndCookiesSecure() throws {
        var config = ServerConfiguration()
        #expect(!config.isHTTPS)
        config.tls = ServerTLS(cert: "c.pem", key: "k.pem")
        #expect(config.isHTTPS && config.baseURL.hasPrefix("https://"))
        var proxied = ServerConfiguration()
        proxied.publicURL = "https://ferry.example.org"
        #expect(proxied.isHTTPS)
    }

    @Test func aMissingCertificateOrKeyStopsTheServerNamingTheKey() throws {
        let folder = try TempDir()
        let good = try Self.selfSigned(in: folder.url)
        for (tls, field) in [
            (ServerTLS(cert: folder.url.appendingPathComponent("nope.pem").path, key: good.key), "tls.cert"),
            (ServerTLS(cert: good.cert, key: folder.url.appendingPathComponent("nope.pem").path), "tls.key"),
            (ServerTLS(cert: good.key, key: good.key), "tls.cert"),
        ] {
            var config = ServerConfiguration()
            config.port = 0
            config.dataDirectory = folder.url.appendingPathComponent("data-\(field)")
            config.auth.mode = .none
            config.tls = tls
            #expect {
                _ = try buildApplication(config)
            } throws: { error in
                (error as? FerryError)?.field == field && (error as? FerryError)?.message.hasPrefix(field) == true
            }
        }
    }
}

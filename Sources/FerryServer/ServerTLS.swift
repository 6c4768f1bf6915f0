import FerryCore
import Foundation
import HummingbirdTLS

/// `tls: {cert, key}` in the server config: PEM files for serving HTTPS without a proxy.
/// The files are read when the server is built, so a wrong path stops `ferry serve` at once,
/// with the key that names it, rather than failing every handshake later.
public struct ServerTLS: Sendable, Equatable {
    /// The certificate chain, leaf first (PEM).
    public var cert: String
    /// The certificate's private key (PEM, unencrypted).
    public var key: String

    public init(cert: String, key: String) {
        self.cert = cert
        self.key = key
    }

    static let schema = ConfigSchema.object([
        .init("cert", .string("PEM file with the server certificate chain, leaf first")),
        .init("key", .string("PEM file with the certificate's private key (unencrypted)")),
    ], required: ["cert", "key"])

    static func read(_ value: JSONValue?) -> ServerTLS? {
        guard let cert = value?["cert"]?.stringValue, let key = value?["key"]?.stringValue else { return nil }
        return ServerTLS(cert: cert, key: key)
    }

    /// The server side of TLS from the two files; errors name `tls.cert` or `tls.key`.
    func configuration() throws -> TLSConfiguration {
        let chain: [NIOSSLCertificate]
        do { chain = try NIOSSLCertificate.fromPEMFile(cert) } catch {
            throw FerryError(.invalidInput, "tls.cert: cannot read a PEM certificate from \(cert): \(error)", field: "tls.cert", cause: error)
        }
        guard !chain.isEmpty else { throw FerryError(.invalidInput, "tls.cert: \(cert) holds no certificate", field: "tls.cert") }
        let privateKey: NIOSSLPrivateKey
        do { privateKey = try NIOSSLPrivateKey(file: key, format: .pem) } catch {
            throw FerryError(.invalidInput, "tls.key: cannot read a PEM private key from \(key): \(error)", field: "tls.key", cause: error)
        }
        return TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(privateKey))
    }
}

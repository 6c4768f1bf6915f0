import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Synchronization

/// A loopback endpoint for notifications: records what arrives (headers and body) and answers
/// `status` (200 unless a test makes it a failing target).
final class NotificationReceiver: Sendable {
    struct Received: Sendable {
        var path: String
        var headers: [String: String]
        var body: [UInt8]
        var json: [String: Any]? { (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] }
    }

    private let state = Mutex<(received: [Received], status: Int)>(([], 200))

    var received: [Received] { state.withLock { $0.received } }
    func answer(_ status: Int) { state.withLock { $0.status = status } }

    /// Runs the receiver on a free loopback port; `body` gets its base URL.
    func run<T: Sendable>(_ body: @Sendable (String) async throws -> T) async throws -> T {
        let router = Router()
        router.post("**") { request, _ in
            let bytes = Array(buffer: try await request.body.collect(upTo: 1 << 20))
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName] = field.value }
            let status = self.state.withLock { s in
                s.received.append(Received(path: request.uri.path, headers: headers, body: bytes))
                return s.status
            }
            return Response(status: .init(code: status))
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        return try await app.test(.live) { client in try await body("http://127.0.0.1:\(client.port!)") }
    }
}

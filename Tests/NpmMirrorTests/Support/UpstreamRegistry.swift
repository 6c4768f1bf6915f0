import FerryCore
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import Synchronization
@testable import NpmMirrorSource

/// A small npm registry on a loopback port standing in for the public registry (or the online
/// Verdaccio): it answers `GET /<name>` (scoped as `@scope%2fname`) with the packument from a
/// Verdaccio-layout folder, tarball URLs pointing back at itself, and `GET /<name>/-/<file>`
/// with the tarball. Tests can make a path fail a few times (503) and read which paths were asked.
final class UpstreamRegistry: Sendable {
    let root: URL
    private let state = Mutex<(failures: [String: Int], requests: [String])>(([:], []))

    init(root: URL) { self.root = root }

    /// The next `count` requests for `path` answer 503.
    func fail(_ path: String, times count: Int) { state.withLock { $0.failures[path] = count } }

    var requests: [String] { state.withLock { $0.requests } }

    /// Runs `body` with the registry listening; its argument is the base URL (`http://127.0.0.1:PORT`).
    func run<T: Sendable>(_ body: @Sendable (String) async throws -> T) async throws -> T {
        let router = Router()
        router.get("**") { request, _ in self.answer(request) }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        return try await app.test(.live) { client in
            try await body("http://127.0.0.1:\(client.port!)")
        }
    }

    private func answer(_ request: Request) -> Response {
        let raw = String(request.uri.path.dropFirst())
        let failing = state.withLock { s -> Bool in
            s.requests.append(raw)
            guard let left = s.failures[raw], left > 0 else { return false }
            s.failures[raw] = left - 1
            return true
        }
        if failing { return Response(status: .serviceUnavailable) }
        let path = raw.removingPercentEncoding ?? raw
        let host = request.head.authority ?? "127.0.0.1"
        if let split = path.range(of: "/-/") {
            let file = root.appendingPathComponent(String(path[..<split.lowerBound])).appendingPathComponent(String(path[split.upperBound...]))
            guard let data = FileManager.default.contents(atPath: file.path) else { return Response(status: .notFound) }
            return Response(status: .ok, headers: [.contentType: "application/octet-stream"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
        }
        guard StorageLayout.isValidName(path), var packument = try? Packument.load(StorageLayout(root: root).packumentFile(path)) else {
            return Response(status: .notFound, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: "{\"error\":\"Not found\"}")))
        }
        packument.versions = packument.versions.mapValues { doc in
            guard case .object(var fields) = doc, case .object(var dist)? = fields["dist"], let url = dist["tarball"]?.stringValue,
                  let file = StorageLayout.tarballFileName(url)
            else { return doc }
            dist["tarball"] = .string("http://\(host)/\(path)/-/\(file)")
            fields["dist"] = .object(dist)
            return .object(fields)
        }
        return Response(status: .ok, headers: [.contentType: "application/json", .eTag: "\"\(packument.versions.count)\""],
                        body: .init(byteBuffer: ByteBuffer(data: packument.encoded())))
    }
}

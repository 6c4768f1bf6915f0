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
    /// What the bulk advisory endpoint knows (package → advisories), and the bodies it was sent.
    private let feed = Mutex<(advisories: [String: [JSONValue]]?, asked: [[String: [String]]])>((nil, []))

    init(root: URL) { self.root = root }

    /// The next `count` requests for `path` answer 503.
    func fail(_ path: String, times count: Int) { state.withLock { $0.failures[path] = count } }

    var requests: [String] { state.withLock { $0.requests } }

    /// Turns on `POST /-/npm/v1/security/advisories/bulk` (off, it answers 404 as a Verdaccio does).
    func advise(_ advisories: [String: [JSONValue]]) { feed.withLock { $0.advisories = advisories } }

    var advisoryRequests: [[String: [String]]] { feed.withLock { $0.asked } }

    /// Runs `body` with the registry listening; its argument is the base URL (`http://127.0.0.1:PORT`).
    func run<T: Sendable>(_ body: @Sendable (String) async throws -> T) async throws -> T {
        let router = Router()
        router.get("**") { request, _ in self.answer(request) }
        router.post("-/npm/v1/security/advisories/bulk") { request, _ in
            let body = try await request.body.collect(upTo: 1 << 24)
            let asked = (try? JSONDecoder().decode([String: [String]].self, from: Data(buffer: body))) ?? [:]
            let known = self.feed.withLock { f -> [String: [JSONValue]]? in
                f.asked.append(asked)
                return f.advisories
            }
            guard let known else { return Response(status: .notFound) }
            // Like the public registry: only the packages asked about, never filtered further here.
            let answer = JSONValue.object(known.filter { asked[$0.key] != nil }.mapValues(JSONValue.array))
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(data: answer.canonicalData())))
        }
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

import Crypto
import FerryCore
import FerryTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Synchronization

/// A loopback stand-in for a private Composer v2 repository (a private Packagist, a Satis):
/// packages.json with `metadata-url`, minified p2 files with ETags (304 on `If-None-Match`), and
/// real dist zips with their sha1. It can demand a credential, go down, answer HTML, serve
/// corrupted dists, and it records every request with whether it carried the credential. It
/// answers Packagist's advisories API (`POST /api/security-advisories` with `packages[]`).
final class FakeComposerUpstream: Sendable {
    enum Mode: Sendable {
        case up
        /// 503 for everything, as an upstream in maintenance.
        case down
        /// p2 files answer 200 with an HTML page (a captive portal, a login page).
        case html
    }

    struct Seen: Sendable {
        let path: String
        let authorized: Bool
        let conditional: Bool
        let status: Int
    }

    private struct Version {
        var version: String
        var require: [String: String]
        var zip: [UInt8]
    }

    private struct State {
        var mode = Mode.up
        var corruptDists = false
        var base = ""
        var packages: [String: [Version]] = [:]
        var advisories: [String: [JSONValue]] = [:]
        var seen: [Seen] = []
    }
    private let state = Mutex(State())
    private let work: URL
    /// The `Authorization` value every request must carry (nil: none needed).
    let authorization: String?
    /// Dists are announced on `localhost` while the repository is `127.0.0.1`: another origin,
    /// as a CDN or GitHub's codeload is, so a credential must not follow them.
    let distHost = "localhost"

    init(work: URL, authorization: String? = nil) {
        self.work = work
        self.authorization = authorization
    }

    /// Advisories the API answers for `name`, as given (malformed ones included).
    func advise(_ name: String, _ list: [JSONValue]) { state.withLock { $0.advisories[name] = list } }
    func setMode(_ mode: Mode) { state.withLock { $0.mode = mode } }
    func setCorruptDists(_ on: Bool) { state.withLock { $0.corruptDists = on } }
    var seen: [Seen] { state.withLock { $0.seen } }
    func requests(_ prefix: String) -> [Seen] { seen.filter { $0.path.hasPrefix(prefix) } }

    /// Adds a version: a real zip with a composer.json and one PHP file.
    func publish(_ name: String, _ version: String, require: [String: String] = [:]) throws {
        let repo = try GitRepo(in: work, name: "pkg-\(name.replacingOccurrences(of: "/", with: "-"))-\(version)-\(UUID().uuidString.prefix(6))")
        let requireJSON = require.map { "\"\($0.key)\": \"\($0.value)\"" }.joined(separator: ", ")
        try repo.commit([
            "composer.json": "{\"name\": \"\(name)\", \"type\": \"library\", \"require\": {\(requireJSON)}}",
            "src/Version.php": "<?php // \(name) \(version)\n",
        ])
        let file = work.appendingPathComponent("\(UUID().uuidString).zip")
        try repo.git("archive", "--format=zip", "-o", file.path, "HEAD")
        let zip = Array(try Data(contentsOf: file))
        state.withLock { $0.packages[name, default: []].append(Version(version: version, require: require, zip: zip)) }
    }

    func run<T: Sendable>(_ body: @Sendable (String) async throws -> T) async throws -> T {
        let app = Application(router: router(), configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        return try await app.test(.live) { client in
            let base = "http://127.0.0.1:\(client.port!)"
            state.withLock { $0.base = base }
            return try await body(base)
        }
    }

    private func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.get("packages.json") { request, _ in
            self.answer(request) { _ in
                .json(#"{"packages": [], "metadata-url": "/p2/%package%.json", "security-advisories": {"metadata": false, "api-url": "/api/security-advisories"}}"#)
            }
        }
        router.post("api/security-advisories") { request, _ in
            let form = String(buffer: try await request.body.collect(upTo: 1 << 20))
            let names = form.split(separator: "&").compactMap { pair -> String? in
                let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).removingPercentEncoding ?? String($0) }
                return parts.count == 2 && parts[0].hasPrefix("packages[") ? parts[1] : nil
            }
            return self.answer(request) { state in
                let found = names.compactMap { name in state.advisories[name].map { (name, JSONValue.array($0)) } }
                // Packagist (PHP) writes an empty map as `[]`.
                let document: JSONValue = .object(["advisories": found.isEmpty ? .array([]) : .object(Dictionary(uniqueKeysWithValues: found))])
                return .json(String(decoding: try! JSONEncoder().encode(document), as: UTF8.self))
            }
        }
        router.get("p2/{vendor}/{file}") { request, context in
            let vendor = try context.parameters.require("vendor"), file = try context.parameters.require("file")
            return self.answer(request) { state in
                if state.mode == .html { return .html("<!doctype html><html><body>Please sign in</body></html>") }
                guard file.hasSuffix(".json"), !file.hasSuffix("~dev.json") else { return .status(.notFound) }
                let name = vendor + "/" + file.dropLast(".json".count)
                guard let versions = state.packages[name] else { return .status(.notFound) }
                return .json(Self.p2(name, versions, distBase: state.base.replacingOccurrences(of: "127.0.0.1", with: self.distHost)))
            }
        }
        router.get("dists/{vendor}/{name}/{file}") { request, context in
            let name = try context.parameters.require("vendor") + "/" + context.parameters.require("name")
            let version = try String(context.parameters.require("file").dropLast(".zip".count))
            return self.answer(request, authorize: false) { state in
                guard var zip = state.packages[name]?.first(where: { $0.version == version })?.zip else { return .status(.notFound) }
                if state.corruptDists { zip[zip.count / 2] ^= 0xff }
                return .zip(zip)
            }
        }
        return router
    }

    private enum Body {
        case json(String)
        case html(String)
        case zip([UInt8])
        case status(HTTPResponse.Status)
    }

    /// Records the request, applies the mode and the credential check, and answers 304 when the
    /// client's ETag still matches.
    private func answer(_ request: Request, authorize: Bool = true, _ make: (State) -> Body) -> Response {
        state.withLock { state in
            let authorized = authorization != nil && request.headers[.authorization] == authorization
            let conditional = request.headers[.ifNoneMatch] != nil
            func done(_ response: Response) -> Response {
                state.seen.append(Seen(path: request.uri.path, authorized: authorized, conditional: conditional, status: Int(response.status.code)))
                return response
            }
            if state.mode == .down { return done(Response(status: .serviceUnavailable)) }
            if authorize, authorization != nil, !authorized { return done(Response(status: .unauthorized)) }
            switch make(state) {
            case .status(let status):
                return done(Response(status: status))
            case .html(let text):
                return done(Response(status: .ok, headers: [.contentType: "text/html"], body: .init(byteBuffer: ByteBuffer(string: text))))
            case .zip(let bytes):
                return done(Response(status: .ok, headers: [.contentType: "application/zip"], body: .init(byteBuffer: ByteBuffer(bytes: bytes))))
            case .json(let text):
                let etag = "\"\(sha256Hex(Array(text.utf8)).prefix(16))\""
                if request.headers[.ifNoneMatch] == etag { return done(Response(status: .notModified, headers: [.eTag: etag])) }
                return done(Response(status: .ok, headers: [.contentType: "application/json", .eTag: etag], body: .init(byteBuffer: ByteBuffer(string: text))))
            }
        }
    }

    /// A minified p2 document (`composer/2.0`), newest version first, as Packagist writes it:
    /// each version after the first lists only what changed.
    private static func p2(_ name: String, _ versions: [Version], distBase: String) -> String {
        var previous: [String: JSONValue] = [:]
        var list: [JSONValue] = []
        for v in versions.reversed() {
            let sha1 = Insecure.SHA1.hash(data: v.zip).map { String(format: "%02x", $0) }.joined()
            let full: [String: JSONValue] = [
                "name": .string(name), "version": .string(v.version), "version_normalized": .string(v.version + ".0"), "type": .string("library"),
                "require": .object(v.require.mapValues(JSONValue.string)),
                "dist": .object(["type": .string("zip"), "url": .string("\(distBase)/dists/\(name)/\(v.version).zip"), "shasum": .string(sha1), "reference": .string(sha1)]),
            ]
            var entry = full.filter { previous[$0.key] != $0.value }
            for key in previous.keys where full[key] == nil { entry[key] = .string("__unset") }
            list.append(.object(previous.isEmpty ? full : entry))
            previous = full
        }
        let document: JSONValue = .object(["minified": .string("composer/2.0"), "packages": .object([name: .array(list)])])
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try! encoder.encode(document), as: UTF8.self)
    }
}

private func sha256Hex(_ bytes: [UInt8]) -> String { SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined() }

import Crypto
import FerryCore
import Foundation

/// Publishes a live build to an S3-compatible bucket: the paths whose bytes differ from the
/// build the bucket holds are uploaded (with Content-Type and Cache-Control), the root index
/// documents (`packages.json`, `index.html`) last, so a client never reads a root that names
/// files not uploaded yet; paths the new build no longer has are deleted only after the root
/// switched. Any failed request stops the publish and fails the job with the reason. Which
/// build the bucket holds is remembered in `held` (a file of the workload's), written after a
/// publish finished: a bucket whose state is unknown gets every path.
struct S3Publisher: Sendable {
    let target: S3Target
    let signer: SigV4
    let http: any HTTPFetcher
    let objects: ObjectStore
    let held: URL
    /// Reads a build's manifest by id (nil when it is gone).
    let manifest: @Sendable (String) -> BuildManifest?
    var now: @Sendable () -> Date = { Date() }

    static let rootDocuments: Set = ["packages.json", "index.html"]
    static let parallel = 8

    @discardableResult
    func publish(_ build: BuildManifest, progress: (String) -> Void) async throws -> (uploaded: Int, deleted: Int) {
        let heldID = (try? String(contentsOf: held, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
        // The bucket already holds this build (a restart publishing the live build again).
        if heldID == build.buildID { return (0, 0) }
        let before = heldID.flatMap(manifest)
        let old = Dictionary((before?.files ?? []).map { ($0.path, $0.sha256) }, uniquingKeysWith: { a, _ in a })
        let changed = build.files.filter { old[$0.path] != $0.sha256 }
        let (roots, rest) = (changed.filter { Self.rootDocuments.contains($0.path) }, changed.filter { !Self.rootDocuments.contains($0.path) })
        var done = 0
        for batch in stride(from: 0, to: rest.count, by: Self.parallel).map({ Array(rest[$0..<min($0 + Self.parallel, rest.count)]) }) {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for file in batch { group.addTask { try await put(file) } }
                try await group.waitForAll()
            }
            done += batch.count
            progress("uploaded \(done)/\(changed.count) to \(location)")
        }
        for file in roots { try await put(file) }
        let removed = Set(old.keys).subtracting(build.files.map(\.path)).sorted()
        for path in removed { try await send("DELETE", path, body: [], headers: [:], expect: [200, 204, 404]) }
        try FileManager.default.createDirectory(at: held.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(build.buildID.utf8).write(to: held, options: .atomic)
        return (changed.count, removed.count)
    }

    var location: String { "s3://\(target.bucket)/\(target.prefix)" }

    private func put(_ file: BuildManifest.File) async throws {
        guard let data = FileManager.default.contents(atPath: objects.path(file.sha256)), data.count == file.size else {
            throw FerryError(.failed, "\(file.path) is missing from the object store")
        }
        try await send("PUT", file.path, body: Array(data), headers: [
            "content-type": PublishContentType.forPath(file.path),
            "cache-control": Self.cacheControl(file.path),
        ], expect: [200])
    }

    /// Composer metadata is re-read every five minutes, as WP Packages serves it; anything else
    /// is revalidated on every use, as Ferry serves it.
    static func cacheControl(_ path: String) -> String {
        path == "packages.json" || path.hasPrefix("p2/") ? "max-age=300" : "no-cache"
    }

    private func send(_ method: String, _ path: String, body: [UInt8], headers: [String: String], expect: Set<Int>) async throws {
        let key = target.prefix + path
        let objectPath = "/\(target.bucket)/\(key)"
        guard let host = URLComponents(string: target.endpoint)?.host.map({ h in URLComponents(string: target.endpoint)?.port.map { "\(h):\($0)" } ?? h }) else {
            throw FerryError(.failed, "the endpoint \(target.endpoint) has no host")
        }
        let payload = Hex.string(SHA256.hash(data: body))
        var signed = signer.sign(method: method, path: objectPath, headers: headers.merging(["host": host]) { $1 }, payloadSHA256: payload, date: now())
        signed["host"] = nil
        let request = FetchRequest(
            url: target.endpoint + SigV4.encodePath(objectPath), method: method, headers: signed, body: method == "PUT" ? body : nil,
            timeout: .seconds(120), maxBytes: 1 << 20, credentialHeaders: ["authorization"], allowInsecure: true)
        let response: FetchResponse
        do { response = try await http.fetch(request) } catch let error as FerryError {
            throw FerryError(.failed, "\(method) \(key) at \(target.endpoint) failed: \(error.message)", cause: error)
        }
        guard expect.contains(response.status) else {
            let code = String(decoding: response.body.prefix(2000), as: UTF8.self).firstMatch(of: /<Code>([^<]+)<\/Code>/).map { String($0.1) } ?? "no error code"
            throw FerryError(.failed, "\(method) \(key) at \(target.endpoint) answered \(response.status) (\(code))")
        }
    }
}

import FerryCore
import Foundation

/// Talks to the upstream registry: packuments and tarballs, each retried with exponential
/// backoff on network errors, 5xx and 429 (a 404 is an answer, not a hiccup). Tarballs land
/// under a temporary name, are verified against the packument, then renamed into place, so the
/// storage never holds a file that was not checked. Both are bounded: a packument is read into
/// memory up to `maxPackumentSize` (the fetcher stops reading past it), a tarball is checked
/// in one streaming pass that stops at `maxInflatedSize`; neither limit is retried.
struct UpstreamClient: Sendable {
    let base: String
    let http: any HTTPFetcher
    let attempts: Int
    var maxPackumentSize = NpmMirrorConfig.defaultMaxPackumentSize
    var maxInflatedSize = NpmMirrorConfig.defaultMaxInflatedSize
    /// The first retry's delay; each further retry doubles it.
    var backoff: Duration = .milliseconds(200)

    init(base: String, http: any HTTPFetcher, attempts: Int) {
        self.base = base
        self.http = http
        self.attempts = attempts
    }

    init(config: NpmMirrorConfig, http: any HTTPFetcher) {
        self.init(base: config.upstreamBase, http: http, attempts: config.retries)
        maxPackumentSize = config.maxPackumentSize
        maxInflatedSize = config.maxInflatedSize
    }

    /// `GET <upstream>/<name>` (scoped names as `@scope%2fname`), with the etag the answer carried.
    func packument(_ name: String) async throws -> (Packument, etag: String?) {
        let url = base + "/" + name.replacingOccurrences(of: "/", with: "%2f")
        let limit = maxPackumentSize
        let tooLarge = FerryError(.payloadTooLarge, "upstream packument of \(name) is larger than \(NpmMirrorConfig.sizeText(limit)) (maxPackumentSize); "
            + "raise source.config.maxPackumentSize to mirror it")
        let response = try await retrying("packument of \(name)") {
            let response: FetchResponse
            do {
                response = try await http.fetch(FetchRequest(url: url, headers: ["Accept": "application/json"], timeout: .seconds(60), maxBytes: limit))
            } catch let error as FerryError where Self.isOverLimit(error, limit) {
                throw tooLarge
            }
            if response.body.count > limit { throw tooLarge }
            return response
        }
        return (try Packument(data: Data(response.body), what: "upstream packument of \(name)"), response.headers["etag"])
    }

    /// `POST <upstream>/-/npm/v1/security/advisories/bulk`, the endpoint `npm audit` uses: the
    /// advisories that affect any of the given versions, per package.
    func advisories(_ versions: [String: [String]]) async throws -> [String: JSONValue] {
        let body = JSONText.data(.object(versions.mapValues { .array($0.map(JSONValue.string)) }), indent: false)
        let response = try await retrying("advisories of \(versions.count) package(s)") {
            try await http.fetch(FetchRequest(
                url: base + "/-/npm/v1/security/advisories/bulk", method: "POST",
                headers: ["Content-Type": "application/json", "Accept": "application/json"], body: Array(body), timeout: .seconds(120), maxBytes: maxPackumentSize))
        }
        guard let object = (try? JSONValue(parsing: response.body))?.objectValue else {
            throw FerryError(.unavailable, "upstream's advisory answer is not a JSON object")
        }
        return object
    }

    /// The fetcher's answer to a body past `maxBytes` (it stops reading there): an `unavailable`
    /// error that says so, which is no hiccup a retry would cure.
    private static func isOverLimit(_ error: FerryError, _ limit: Int) -> Bool {
        error.code == .payloadTooLarge || (error.code == .unavailable && error.message.hasSuffix("answered more than \(limit) bytes"))
    }

    /// Where the registry keeps a tarball: `<upstream>/<name>/-/<file>`, the layout npm's
    /// registry and Verdaccio share.
    func tarballURL(package: String, file: String) -> String { "\(base)/\(package)/-/\(file)" }

    /// Downloads a tarball to `file` (never overwriting an existing file) after checking it.
    func tarball(_ dist: Packument.Dist, to file: URL) async throws {
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        let temp = StorageLayout.temporarySibling(of: file)
        defer { try? FileManager.default.removeItem(at: temp) }
        _ = try await retrying("tarball \(dist.fileName)") {
            let response = try await http.download(FetchRequest(url: dist.tarball, timeout: .seconds(300), maxBytes: 1 << 30), to: temp)
            if response.isSuccess, let finding = TarballVerifier.verify(file: temp, expected: dist.expected, maxInflatedSize: maxInflatedSize) {
                let message = "\(dist.fileName) from \(dist.tarball) is broken: \(finding.reason)"
                if finding.exceedsLimit { throw FerryError(.payloadTooLarge, message) }
                // A damaged transfer is worth another attempt, like pacote's EINTEGRITY retry.
                throw Retryable(message: message)
            }
            return response
        }
        try StorageLayout.rename(temp, to: file)
    }

    private struct Retryable: Error, CustomStringConvertible {
        let message: String
        var description: String { message }
    }

    private func retrying(_ what: String, _ body: () async throws -> FetchResponse) async throws -> FetchResponse {
        var delay = backoff
        var last = ""
        for attempt in 1...max(attempts, 1) {
            do {
                let response = try await body()
                if response.isSuccess { return response }
                if response.status == 404 { throw FerryError(.notFound, "\(what): upstream answered 404 (not found)") }
                last = "HTTP \(response.status)"
                if !(response.status >= 500 || response.status == 429) { break }
            } catch let error as FerryError where error.code == .notFound || error.code == .payloadTooLarge {
                throw error
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                last = "\(error)"
            }
            if attempt < attempts {
                try await Task.sleep(for: delay)
                delay *= 2
            }
        }
        throw FerryError(.unavailable, "\(what): \(last) (after \(attempts) attempt\(attempts == 1 ? "" : "s"))")
    }
}

import FerryCore
import Foundation

/// Talks to the upstream registry: packuments and tarballs, each retried with exponential
/// backoff on network errors, 5xx and 429 (a 404 is an answer, not a hiccup). Tarballs land
/// under a temporary name, are verified against the packument, then renamed into place, so the
/// storage never holds a file that was not checked.
struct UpstreamClient: Sendable {
    let base: String
    let http: any HTTPFetcher
    let attempts: Int
    /// The first retry's delay; each further retry doubles it.
    var backoff: Duration = .milliseconds(200)

    /// `GET <upstream>/<name>` (scoped names as `@scope%2fname`), with the etag the answer carried.
    func packument(_ name: String) async throws -> (Packument, etag: String?) {
        let url = base + "/" + name.replacingOccurrences(of: "/", with: "%2f")
        let response = try await retrying("packument of \(name)") {
            try await http.fetch(FetchRequest(url: url, headers: ["Accept": "application/json"], timeout: .seconds(60), maxBytes: 256 << 20))
        }
        return (try Packument(data: Data(response.body), what: "upstream packument of \(name)"), response.headers["etag"])
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
            if response.isSuccess, let problem = TarballVerifier.problem(file: temp, expected: dist.expected) {
                // A damaged transfer is worth another attempt, like pacote's EINTEGRITY retry.
                throw Retryable(message: "\(dist.fileName) from \(dist.tarball) is broken: \(problem)")
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
            } catch let error as FerryError where error.code == .notFound {
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

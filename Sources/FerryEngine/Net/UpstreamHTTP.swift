import AsyncHTTPClient
import FerryCore
import Foundation
import NIOCore
import NIOHTTP1

/// The engine's `HTTPFetcher`: AsyncHTTPClient's shared client with a deadline per request and
/// a cap on what is read into memory. Errors name the URL (never its headers, which may carry
/// tokens) and are `FerryError(.unavailable)`, so callers can tell "upstream down" apart.
public struct UpstreamHTTP: HTTPFetcher {
    public init() {}

    public func fetch(_ request: FetchRequest) async throws -> FetchResponse {
        let response = try await execute(request)
        do {
            let body = try await response.body.collect(upTo: request.maxBytes)
            return FetchResponse(status: Int(response.status.code), headers: Self.headers(response), body: Array(buffer: body))
        } catch is NIOTooManyBytesError {
            throw FerryError(.unavailable, "\(Self.redacted(request.url)) answered more than \(request.maxBytes) bytes")
        } catch {
            throw FerryError(.unavailable, "reading \(Self.redacted(request.url)) failed: \(error)", cause: error)
        }
    }

    public func download(_ request: FetchRequest, to file: URL) async throws -> FetchResponse {
        let response = try await execute(request)
        let headers = Self.headers(response)
        guard (200..<300).contains(Int(response.status.code)) else {
            return FetchResponse(status: Int(response.status.code), headers: headers)
        }
        let temporary = file.deletingLastPathComponent().appendingPathComponent(".\(file.lastPathComponent).tmp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        guard FileManager.default.createFile(atPath: temporary.path, contents: nil), let handle = try? FileHandle(forWritingTo: temporary) else {
            throw FerryError(.failed, "cannot write \(temporary.path)")
        }
        do {
            var written = 0
            for try await chunk in response.body {
                written += chunk.readableBytes
                if written > request.maxBytes {
                    throw FerryError(.unavailable, "\(Self.redacted(request.url)) answered more than \(request.maxBytes) bytes")
                }
                try handle.write(contentsOf: Array(buffer: chunk))
            }
            try handle.close()
            if rename(temporary.path, file.path) != 0 {
                throw FerryError(.failed, "cannot move the download into \(file.path): \(String(cString: strerror(errno)))")
            }
        } catch {
            try? handle.close()
            try? FileManager.default.removeItem(at: temporary)
            if let ferry = error as? FerryError { throw ferry }
            throw FerryError(.unavailable, "downloading \(Self.redacted(request.url)) failed: \(error)", cause: error)
        }
        return FetchResponse(status: Int(response.status.code), headers: headers)
    }

    private func execute(_ request: FetchRequest) async throws -> HTTPClientResponse {
        guard !request.credentialHeaders.isEmpty else { return try await send(request, on: HTTPClient.shared) }
        if let refusal = CredentialTransport.refusal(
            toSend: "the credential", to: request.url, allowInsecure: request.allowInsecure, field: Self.redacted(request.url)) {
            throw refusal
        }
        // With a credential on board, redirects are followed here rather than by the client, so
        // that the credential headers (whatever their names) stay behind when the origin changes.
        var hop = request
        for _ in 0...Self.maxRedirects {
            let response = try await send(hop, on: Self.unredirected)
            guard [301, 302, 303, 307, 308].contains(Int(response.status.code)),
                let location = response.headers.first(name: "location"),
                let target = URL(string: location, relativeTo: URL(string: hop.url))?.absoluteString
            else { return response }
            if !CredentialTransport.sameOrigin(hop.url, target) {
                let credentials = Set(hop.credentialHeaders.map { $0.lowercased() })
                hop.headers = hop.headers.filter { !credentials.contains($0.key.lowercased()) }
                hop.credentialHeaders = []
            }
            if response.status == .seeOther { hop.method = "GET"; hop.body = nil }
            hop.url = target
            if hop.credentialHeaders.isEmpty { return try await send(hop, on: HTTPClient.shared) }
        }
        throw FerryError(.unavailable, "\(Self.redacted(request.url)) redirected more than \(Self.maxRedirects) times")
    }

    private static let maxRedirects = 5

    /// A client that hands redirects back to `execute` instead of following them.
    private static let unredirected = HTTPClient(
        eventLoopGroupProvider: .singleton,
        configuration: HTTPClient.Configuration(redirectConfiguration: .disallow))

    private func send(_ request: FetchRequest, on client: HTTPClient) async throws -> HTTPClientResponse {
        var outbound = HTTPClientRequest(url: request.url)
        outbound.method = HTTPMethod(rawValue: request.method)
        for (name, value) in request.headers { outbound.headers.add(name: name, value: value) }
        if outbound.headers["user-agent"].isEmpty { outbound.headers.add(name: "user-agent", value: "Ferry") }
        if let body = request.body { outbound.body = .bytes(ByteBuffer(bytes: body)) }
        let timeout = TimeAmount.nanoseconds(Int64(request.timeout.components.seconds) * 1_000_000_000
            + request.timeout.components.attoseconds / 1_000_000_000)
        do {
            return try await client.execute(outbound, timeout: timeout)
        } catch {
            throw FerryError(.unavailable, "\(request.method) \(Self.redacted(request.url)) failed: \(error)", cause: error)
        }
    }

    private static func headers(_ response: HTTPClientResponse) -> [String: String] {
        var out: [String: String] = [:]
        for header in response.headers { out[header.name.lowercased()] = header.value }
        return out
    }

    /// URLs may carry credentials (`https://user:token@host/`); errors and logs never show them.
    static func redacted(_ url: String) -> String {
        guard var parts = URLComponents(string: url), parts.user != nil || parts.password != nil else { return url }
        parts.user = nil
        parts.password = nil
        return parts.string ?? "(url)"
    }
}

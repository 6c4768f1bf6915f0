import AsyncHTTPClient
import FerryCore
import Foundation
import NIOCore
import NIOHTTP1

/// A small client for Ferry's REST API. Server errors come back as `FerryError`s with the
/// server's message and code, so the CLI prints the same words and exits with the same code
/// mapping as the API's statuses.
struct APIClient: Sendable {
    let base: String
    /// Sent as `Authorization: Bearer`; never printed.
    var token: String? = nil

    /// A refused connection fails at once: a person waiting for `cannot reach the server` should
    /// not wait out the request deadline while the pool retries (AsyncHTTPClient's default).
    private static let http: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.timeout.connect = .seconds(10)
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()

    func get(_ path: String) async throws -> Data { try await send(.GET, path) }
    func post(_ path: String, json: JSONValue? = nil) async throws -> Data {
        try await send(.POST, path, body: json.map { Data($0.canonicalData()) }, contentType: "application/json")
    }
    func delete(_ path: String) async throws -> Data { try await send(.DELETE, path) }

    func send(_ method: HTTPMethod, _ path: String, body: Data? = nil, contentType: String? = nil) async throws -> Data {
        let response = try await execute(method, path, body: body, contentType: contentType, timeout: .seconds(60))
        var buffer = try await response.body.collect(upTo: 64 << 20)
        let data = buffer.readData(length: buffer.readableBytes) ?? Data()
        try check(response.status, data)
        return data
    }

    /// Streams a response body (a followed log) chunk by chunk.
    func stream(_ path: String, _ receive: (String) async throws -> Void) async throws {
        let response = try await execute(.GET, path, body: nil, contentType: nil, timeout: .hours(24))
        if response.status.code >= 400 {
            var buffer = try await response.body.collect(upTo: 1 << 20)
            try check(response.status, buffer.readData(length: buffer.readableBytes) ?? Data())
        }
        for try await chunk in response.body { try await receive(String(buffer: chunk)) }
    }

    private func execute(_ method: HTTPMethod, _ path: String, body: Data?, contentType: String?, timeout: TimeAmount) async throws -> HTTPClientResponse {
        var request = HTTPClientRequest(url: base.trimmingSuffix("/") + path)
        request.method = method
        request.headers.add(name: "User-Agent", value: "ferry-cli")
        if let token, !token.isEmpty { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let body {
            request.body = .bytes(ByteBuffer(data: body))
            request.headers.add(name: "Content-Type", value: contentType ?? "application/octet-stream")
        }
        do {
            return try await Self.http.execute(request, timeout: timeout)
        } catch {
            throw FerryError(.unavailable, "cannot reach the Ferry server at \(base): \(error); is `ferry serve` running?")
        }
    }

    private func check(_ status: HTTPResponseStatus, _ data: Data) throws {
        guard status.code >= 400 else { return }
        struct Envelope: Decodable {
            struct Body: Decodable { var code: String; var message: String; var field: String? }
            var error: Body
        }
        if let envelope = try? JSONDecoder().decode(Envelope.self, from: data) {
            throw FerryError(FerryError.Code(rawValue: envelope.error.code) ?? .failed, envelope.error.message, field: envelope.error.field)
        }
        throw FerryError(.failed, "server answered \(status.code): \(String(decoding: data.prefix(500), as: UTF8.self))")
    }
}

extension String {
    func trimmingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
    }

    /// Percent-encodes a value for use as one path segment or query value.
    var pathEncoded: String {
        addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? self
    }
}

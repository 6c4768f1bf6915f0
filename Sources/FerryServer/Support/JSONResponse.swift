import FerryCore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// JSON in and out with one encoder configuration (ISO 8601 dates, sorted keys), so API
/// responses are stable and diff well.
enum JSONResponse {
    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.dateEncodingStrategy = .iso8601
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }()

    static func make(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let data = try encoder.encode(value)
        return Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// The request body as text, bounded; too large a body is a 413, not a crash or a hang.
    static func bodyText(_ request: Request, limit: Int = 4 << 20) async throws -> String {
        var request = request
        let buffer: ByteBuffer
        do { buffer = try await request.collectBody(upTo: limit) } catch {
            throw FerryError(.payloadTooLarge, "request body is larger than \(limit) bytes")
        }
        return String(buffer: buffer)
    }

    /// Parses a JSON or YAML body into documents; an empty body is one empty object.
    static func documents(_ request: Request) async throws -> [JSONValue] {
        let text = try await bodyText(request)
        if text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { return [.object([:])] }
        return try WorkloadFile.parse(text, fileName: "request body").map(\.value)
    }
}

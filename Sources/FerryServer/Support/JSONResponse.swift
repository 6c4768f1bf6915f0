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

    /// Parses a JSON or YAML body into documents under `limits` (size, depth, alias
    /// expansion); an empty body is one empty object.
    static func documents(_ request: Request, limits: ServerLimits) async throws -> [JSONValue] {
        let text = try await RequestBody.text(request, limits.api)
        if text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { return [.object([:])] }
        return try WorkloadFile.parse(text, fileName: "request body", limits: limits.documents).map(\.value)
    }
}

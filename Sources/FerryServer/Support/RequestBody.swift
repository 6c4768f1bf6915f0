import FerryCore
import Foundation
import Hummingbird
import NIOCore

/// The one way a handler reads a request body: collected up to a configured limit, and refused
/// with 413 naming the limit and its key ("request body is larger than 4 MiB (limits.apiBody)")
/// beyond it, so no route can be made to buffer an unbounded body.
enum RequestBody {
    static func collect(_ request: Request, _ limit: BodyLimit) async throws -> ByteBuffer {
        var request = request
        do { return try await request.collectBody(upTo: limit.bytes) } catch let error as NIOTooManyBytesError {
            throw FerryError(.payloadTooLarge, limit.refusal, cause: error)
        }
    }

    static func text(_ request: Request, _ limit: BodyLimit) async throws -> String {
        String(buffer: try await collect(request, limit))
    }

    static func bytes(_ request: Request, _ limit: BodyLimit) async throws -> [UInt8] {
        Array(buffer: try await collect(request, limit))
    }

    /// The body as JSON bytes whose nesting stays within `limits.depth` (400 beyond).
    static func json(_ request: Request, _ limits: ServerLimits) async throws -> Data {
        let data = Data(buffer: try await collect(request, limits.api))
        guard !JSONValue.depth(ofJSON: data, exceeds: limits.depth) else {
            throw FerryError(.invalidInput, "request body: nested deeper than \(limits.depth) levels (limits.depth)")
        }
        return data
    }
}

import FerryCore
import Foundation
import HTTPTypes
import Hummingbird

/// The one place a `FerryError` becomes an HTTP response: `{"error": {"code", "message", "field"?}}`
/// with the status its code maps to.
extension FerryError: HTTPResponseError {
    public var status: HTTPResponse.Status { .init(code: code.httpStatus) }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var body: [String: String] = ["code": code.description, "message": message]
        if let field { body["field"] = field }
        var response = try JSONResponse.make(["error": body], status: status)
        // A busy answer says when to come back, as the hook intake's does.
        if code == .unavailable { response.headers[.retryAfter] = String(HookController.retryAfterSeconds) }
        return response
    }
}

/// Turns errors that are not `FerryError`s (a malformed JSON body, an unknown route) into one,
/// so every error a client sees has the same shape.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as FerryError {
            throw error
        } catch let error as HTTPError {
            let code: FerryError.Code = switch error.status.code {
            case 404: .notFound
            case 413: .payloadTooLarge
            case 400..<500: .invalidInput
            default: .internal
            }
            throw FerryError(code, error.body ?? error.status.reasonPhrase)
        } catch let error as DecodingError {
            throw FerryError(.invalidInput, "invalid request body: \(Self.describe(error))")
        } catch let error as JSONParseError {
            throw FerryError(.invalidInput, "invalid JSON in the request body: \(error)")
        } catch {
            context.logger.error("unhandled error: \(error)")
            throw FerryError(.internal, "internal error; see the server log")
        }
    }

    static func describe(_ error: DecodingError) -> String {
        func path(_ codingPath: [any CodingKey]) -> String {
            codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case .typeMismatch(let type, let c): return "\(path(c.codingPath)): expected \(type)"
        case .valueNotFound(_, let c): return "\(path(c.codingPath)): required"
        case .keyNotFound(let key, let c): return "\(path(c.codingPath + [key])): required"
        case .dataCorrupted(let c): return c.codingPath.isEmpty ? "not valid JSON" : "\(path(c.codingPath)): \(c.debugDescription)"
        @unknown default: return "\(error)"
        }
    }
}

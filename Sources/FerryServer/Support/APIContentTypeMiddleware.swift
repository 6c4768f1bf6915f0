import FerryCore
import HTTPTypes
import Hummingbird

/// State-changing API calls with a body must say it is JSON or YAML. A page on another site can
/// make a browser send a "simple" cross-origin request (a form or `text/plain` body) without
/// asking first; JSON and YAML types need a CORS preflight, which Ferry never grants. So the
/// type is what keeps foreign pages from posting to the API, and it is checked here, before any
/// handler reads the body or stores anything. UI forms (outside `/api`) and webhooks (`/hooks`,
/// whose senders post form bodies too) are not affected.
struct APIContentTypeMiddleware<Context: RequestContext>: RouterMiddleware {
    static var accepted: Set<String> {[
        "application/json", "application/yaml", "application/x-yaml", "text/yaml", "application/merge-patch+json",
    ]}
    static var changing: Set<HTTPRequest.Method> { [.post, .put, .patch, .delete] }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let given = request.headers[.contentType] ?? ""
        guard Self.changing.contains(request.method), request.uri.path.hasPrefix("/api/"), !given.isEmpty || Self.hasBody(request.headers)
        else { return try await next(request, context) }
        let media = given.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        guard Self.accepted.contains(media) else {
            throw FerryError(
                .unsupportedMediaType,
                "\(request.method) \(request.uri.path): the body must be JSON or YAML (Content-Type: application/json or application/yaml), not \(given.isEmpty ? "untyped" : "\"\(given)\"")",
                field: "Content-Type")
        }
        return try await next(request, context)
    }

    /// An untyped body counts when its Content-Length says it has bytes. An untyped chunked
    /// request (clients send one for an empty POST) passes: browsers type every body they send,
    /// so a foreign page cannot produce one. A typed request is checked whatever its length.
    static func hasBody(_ headers: HTTPFields) -> Bool {
        headers[.contentLength].map { $0 != "0" } ?? false
    }
}

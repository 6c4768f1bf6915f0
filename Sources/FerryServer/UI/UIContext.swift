import FerryCore
import FerryEngine
import Foundation
import HTTPTypes
import Hummingbird

/// What every UI page handler shares: the engine it reads and changes, and the renderer.
struct UIContext: Sendable {
    let engine: Engine
    let renderer: PageRenderer
    let baseURL: String
    let limits: ServerLimits

    func request(_ request: Request, _ context: FerryRequestContext) -> UIRequest {
        UIRequest(request, context: context, catalog: renderer.catalog)
    }

    func text(_ key: String, _ ui: UIRequest, _ values: [String: String] = [:]) -> String {
        renderer.catalog.text(key, ui.lang, values)
    }

    /// POST/redirect/GET: after a change, the browser loads the page anew.
    static func redirect(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location])
    }

    /// An error page in the request's language, with the server's message and the status its
    /// code maps to; a page a person reads instead of the API's JSON.
    func errorPage(_ error: any Error, _ ui: UIRequest) -> Response {
        let ferry = error as? FerryError ?? FerryError(.internal, "internal error; see the server log")
        return renderer.page(
            "error", ["title": text("error.title", ui), "message": ferry.message, "code": ferry.code.description],
            ui: ui, status: .init(code: ferry.code.httpStatus))
    }

    /// Runs a page handler, turning its errors into an error page.
    func guarded(_ request: Request, _ context: FerryRequestContext, _ body: (UIRequest) async throws -> Response) async -> Response {
        let ui = self.request(request, context)
        do { return try await body(ui) } catch { return errorPage(error, ui) }
    }

    /// Runs a form post's handler once `FormGuard` has accepted the form; `body` gets the form.
    func guardedForm(
        _ request: Request, _ context: FerryRequestContext, _ body: (FormData, UIRequest) async throws -> Response
    ) async -> Response {
        await guarded(request, context) { r in
            try await body(try await FormGuard.form(request, context, limits: limits), r)
        }
    }

    /// Where a page goes back to after a form, with a notice or an error for the banner.
    static func back(_ path: String, notice: String? = nil, error: String? = nil) -> Response {
        var items: [String] = []
        if let notice { items.append("notice=\(UIRequest.encode(notice))") }
        if let error { items.append("error=\(UIRequest.encode(error))") }
        return redirect(items.isEmpty ? path : path + "?" + items.joined(separator: "&"))
    }

    /// The banner a page shows after a redirect: a notice key from the catalogue, or an error message.
    func banner(_ ui: UIRequest) -> [String: Any] {
        let notice = ui.query["notice"].map { text("notice.\($0)", ui) } ?? ""
        let error = ui.query["error"] ?? ""
        return ["notice": notice, "hasNotice": !notice.isEmpty, "flashError": error, "hasFlashError": !error.isEmpty]
    }
}

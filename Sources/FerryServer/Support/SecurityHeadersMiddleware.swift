import HTTPTypes
import Hummingbird

/// Keeps what workloads serve from acting with the admin origin's authority, and keeps the UI
/// and API from being framed, sniffed or scripted by anything but their own files.
///
/// Surfaces (`/sites/…`, `/composer/…`, `/npm/…`) hold content Ferry did not write: a site's
/// HTML or SVG is whatever its repository says. Served from the same origin as the UI and API,
/// its script could read API answers and UI pages (with their CSRF tokens) as the signed-in
/// browser. So every surface answer carries `Content-Security-Policy: sandbox`, which gives the
/// document an opaque origin of its own:
/// * `allow-scripts`, `allow-forms`, `allow-modals`: static sites run their own script, have
///   search and contact forms, and call `confirm()`; none of that reaches Ferry's origin.
/// * `allow-popups` and `allow-popups-to-escape-sandbox`: `target=_blank` links work and open
///   normal pages (a surface opened that way is sandboxed again by its own answer).
/// * `allow-downloads`: sites offer files.
/// * never `allow-same-origin`: it would hand the document Ferry's origin back, and with it
///   cookies, storage and readable same-origin fetches, undoing the sandbox. The price is that
///   a site's script cannot use cookies or `localStorage`.
///
/// Surfaces get no `X-Frame-Options` (a site may frame its own pages) and keep their own
/// `Content-Security-Policy` if a source sends one: browsers enforce both policies.
///
/// The UI and API get a policy with no inline script (their script lives in `web/static/`),
/// `frame-ancestors 'none'` plus `X-Frame-Options: DENY` against click-jacking, `nosniff` so
/// a JSON or log answer is never run as HTML or script, and `same-origin` referrers so UI URLs
/// (workload names, job ids) do not leak to links that leave Ferry.
struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The first path segments that are surfaces (each source's mount).
    let surfaceMounts: Set<String>

    static var surfacePolicy: String {
        "sandbox allow-scripts allow-forms allow-modals allow-popups allow-popups-to-escape-sandbox allow-downloads"
    }

    static var adminPolicy: String {
        [
            "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:",
            "connect-src 'self'", "form-action 'self'", "frame-ancestors 'none'", "base-uri 'none'", "object-src 'none'",
        ].joined(separator: "; ")
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            response = try error.response(from: request, context: context)
        }
        Self.secure(&response.headers, surface: isSurface(request.uri.path))
        return response
    }

    private func isSurface(_ path: String) -> Bool {
        let first = path.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: true).first
        return first.map { surfaceMounts.contains(String($0)) } ?? false
    }

    /// Also applied to the surface answers the event loops send themselves (`SurfaceAnswers`).
    static func secure(_ headers: inout HTTPFields, surface: Bool) {
        headers[.xContentTypeOptions] = "nosniff"
        if surface {
            headers.append(HTTPField(name: .contentSecurityPolicy, value: Self.surfacePolicy))
            return
        }
        headers[.contentSecurityPolicy] = Self.adminPolicy
        headers[.xFrameOptions] = "DENY"
        headers[.referrerPolicy] = "same-origin"
    }
}

extension HTTPField.Name {
    static var xFrameOptions: Self { Self("X-Frame-Options")! }
    static var referrerPolicy: Self { Self("Referrer-Policy")! }
}

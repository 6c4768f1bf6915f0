import FerryCore
import Foundation
import HTTPTypes
import Hummingbird

/// Two locks on every form the web UI accepts, against another site making a signed-in browser
/// post one (a browser sends cookies and cached basic credentials with a cross-site form post
/// without asking):
///
/// 1. the form carries the anti-forgery token its page was rendered with (`_csrf`: the session's
///    own token, or the server's when no session signs the browser in), which no other site can
///    read;
/// 2. the browser says the post comes from this Ferry's own origin. Browsers always send
///    `Origin` on a form POST, so a post without one is not a browser following these pages and is
///    refused too.
///
/// Every UI POST handler starts here and gets the form the guard read, so the body is read once.
enum FormGuard {
    /// The hidden field every form carries.
    static let field = "_csrf"

    /// The posted form, once it has passed both locks.
    static func form(_ request: Request, _ context: FerryRequestContext, limits: ServerLimits) async throws -> FormData {
        try checkOrigin(request)
        let form = try await FormData.read(request, limits: limits)
        guard let expected = context.formToken, let sent = form[field],
              ConstantTime.equal(Array(sent.utf8), Array(expected.utf8)) else {
            throw FerryError(.forbidden, "this form was not sent from a page of this Ferry, or the page is too old; reload it and send the form again")
        }
        return form
    }

    static func checkOrigin(_ request: Request) throws {
        guard let origin = request.headers[.origin] else {
            throw FerryError(.forbidden, "a form must come from a browser on this Ferry's own pages (the request names no Origin)")
        }
        let host = request.headers[HTTPField.Name("host")!] ?? request.head.authority
        let from = URLComponents(string: origin).map { c in c.host.map { h in c.port.map { "\(h):\($0)" } ?? h } } ?? nil
        guard let host, let from, from.lowercased() == host.lowercased() else {
            throw FerryError(.forbidden, "a form from \(origin.prefix(100)) may not change this Ferry; use the pages it serves itself")
        }
    }
}

import FerryCore
import FerryEngine
import Foundation
import HTTPTypes
import Hummingbird

/// `/signin` and `/signout`: a browser trades a user name and password, or a token, for an
/// HttpOnly, SameSite=Strict session cookie (Secure when Ferry is reached over https). The page
/// is plain HTML with no script, so the UI's CSP holds on it too. Wrong credentials count
/// against the client's failure limit through the same middleware path as every other refusal.
struct SignInController {
    let engine: Engine
    let limits: ServerLimits
    let secureCookies: Bool
    let sessionLifetime: TimeInterval

    func register(on router: Router<FerryRequestContext>) {
        router.get("signin") { request, context in
            page(next: Self.safeNext(request.uri.queryParameters["next"].map(String.init)), error: nil, context)
        }
        router.post("signin") { request, context in
            let form = try await FormGuard.form(request, context, limits: limits)
            let next = Self.safeNext(form.nonEmpty("next"))
            let caller: Caller?
            if let token = form.nonEmpty("token") {
                caller = try engine.access.caller(token: token)
            } else {
                caller = try engine.access.caller(user: form.nonEmpty("name") ?? "", password: form.nonEmpty("password") ?? "")
            }
            guard let caller else {
                var response = page(next: next, error: "Those credentials were not accepted.", context)
                response.status = .unauthorized
                return response
            }
            let (cookie, _) = try engine.access.startSession(for: caller, lifetime: sessionLifetime)
            let lifetime = Int(sessionLifetime)
            return Response(status: .seeOther, headers: [
                .location: next,
                .setCookie: "\(Credential.cookieName)=\(cookie); Path=/; HttpOnly; SameSite=Strict; Max-Age=\(lifetime)\(secureCookies ? "; Secure" : "")",
            ])
        }
        router.post("signout") { request, context in
            _ = try await FormGuard.form(request, context, limits: limits)
            if let cookie = request.cookie(named: Credential.cookieName) { try engine.access.endSession(cookie: cookie) }
            return Response(status: .seeOther, headers: [
                .location: "/signin",
                .setCookie: "\(Credential.cookieName)=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0",
            ])
        }
    }

    /// Only a path on this server, so the page cannot be used to bounce a user elsewhere.
    static func safeNext(_ next: String?) -> String {
        guard let next, next.hasPrefix("/"), !next.hasPrefix("//"), !next.contains("\\") else { return "/" }
        return next
    }

    private func page(next: String, error: String?, _ context: FerryRequestContext) -> Response {
        let html = """
            <!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign in · Ferry</title>
            <link rel="stylesheet" href="/static/ferry.css"></head><body><main class="signin">
            <h1>Sign in to Ferry</h1>\(error.map { "<p class=\"error\" role=\"alert\">\(Self.escape($0))</p>" } ?? "")
            <form method="post" action="/signin"><input type="hidden" name="next" value="\(Self.escape(next))">
            <input type="hidden" name="\(FormGuard.field)" value="\(Self.escape(context.formToken ?? ""))">
            <label>User <input name="name" autocomplete="username"></label>
            <label>Password <input name="password" type="password" autocomplete="current-password"></label>
            <p>or</p><label>Token <input name="token" type="password" autocomplete="off"></label>
            <button type="submit">Sign in</button></form></main></body></html>
            """
        return Response(
            status: .ok, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: .init(string: html)))
    }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}

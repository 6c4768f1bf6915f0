import FerryCore
import FerryEngine
import Foundation
import HTTPTypes
import Hummingbird

/// Who is asking, and may they: authenticates every request, checks it against `RoutePolicy`,
/// limits failed attempts per client, and records who changed what. Runs the rest of the request
/// with `Caller.current` set, so the events and jobs it causes name the caller.
///
/// Every refusal says the same thing whether a token exists, is expired or was revoked, so a
/// guess learns nothing.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = FerryRequestContext

    let engine: Engine
    let config: AuthConfiguration
    let policy: RoutePolicy
    let limiter: FailedAuthLimiter

    init(engine: Engine, config: AuthConfiguration) {
        self.engine = engine
        self.config = config
        policy = RoutePolicy(mounts: Set(engine.registry.sources.values.map { type(of: $0).mount }))
        limiter = FailedAuthLimiter(limit: config.failureLimit, window: config.failureWindow)
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        context.formToken = engine.access.serverFormToken
        let requirement = policy.requirement(method: request.method, path: request.uri.path)
        if config.mode == .none {
            context.caller = .anonymous
            return try await Caller.$current.withValue(.anonymous) { try await audited(request, requirement, context, next) }
        }
        if requirement == .open { return try await next(request, context) }
        if case .surface(let name) = requirement, (try engine.surfaceAccess(of: name)) != .token {
            return try await next(request, context)
        }
        let client = context.clientAddress
        if let wait = limiter.retryAfter(client) {
            var response = try FerryError(.tooManyRequests, "too many failed authentications from \(client); try again in \(wait) s")
                .response(from: request, context: context)
            response.headers[.retryAfter] = String(wait)
            return response
        }
        guard let credential = Credential(request) else { return try challenge(request, context, requirement, message: "authentication required") }
        guard let (caller, session) = try authenticate(credential) else {
            limiter.fail(client)
            record(request, by: nil, outcome: .refused, reason: "authentication failed from \(client)")
            return try challenge(request, context, requirement, message: "the credentials were not accepted")
        }
        if case .session = credential, !Self.isSafe(request.method), !policy.isUI(request.uri.path) {
            // A cookie alone may not change state through the API: a page on another site could
            // make the browser send it. The UI's own scripts add the session's CSRF token.
            guard let presented = request.headers[Credential.csrfHeader], presented == session?.csrf else {
                throw FerryError(.forbidden, "a signed-in browser's API call needs the \(Credential.csrfHeader) header")
            }
        }
        context.caller = caller
        context.session = session
        if let session { context.formToken = session.csrf }
        if let refusal = try refusal(requirement, caller) {
            record(request, by: caller, outcome: .refused, reason: refusal)
            throw FerryError(.forbidden, refusal)
        }
        return try await Caller.$current.withValue(caller) { try await audited(request, requirement, context, next) }
    }

    private func authenticate(_ credential: Credential) throws -> (Caller, Session?)? {
        switch credential {
        case .token(let secret):
            return try engine.access.caller(token: secret).map { ($0, nil) }
        case .password(let user, let password):
            return try engine.access.caller(user: user, password: password).map { ($0, nil) }
        case .session(let cookie):
            return try engine.access.session(cookie: cookie).map { ($0.0, $0.1) }
        }
    }

    /// Why `caller` may not, or nil when it may.
    private func refusal(_ requirement: RoutePolicy.Requirement, _ caller: Caller) throws -> String? {
        switch requirement {
        case .open, .authenticated:
            return nil
        case .surface(let name):
            return caller.may(.serve, on: name) ? nil : caller.refusal(.serve, on: name)
        case .right(let right, let target):
            let workload: String?
            switch target {
            case .none: workload = nil
            case .workload(let name): workload = name
            case .job(let id): workload = try engine.database.job(id)?.workload
            case .body: return caller.role.permits(right) ? nil : caller.refusal(right, on: nil)
            }
            return caller.may(right, on: workload) ? nil : caller.refusal(right, on: workload)
        }
    }

    /// No or bad credentials: a sign-in page for the UI's pages, a Basic challenge for surfaces
    /// (Composer, npm and curl answer it), a Bearer challenge for the API.
    private func challenge(_ request: Request, _ context: Context, _ requirement: RoutePolicy.Requirement, message: String) throws -> Response {
        if policy.isUI(request.uri.path), Self.isSafe(request.method) {
            let next = request.uri.path + (request.uri.query.map { "?" + $0 } ?? "")
            return Response(status: .seeOther, headers: [.location: "/signin?next=" + UIRequest.encode(next)])
        }
        var response = try FerryError(.unauthorized, message).response(from: request, context: context)
        if case .surface(let name) = requirement {
            response.headers[.wwwAuthenticate] = #"Basic realm="ferry \#(name)", charset="UTF-8""#
        } else {
            response.headers[.wwwAuthenticate] = #"Bearer realm="ferry""#
        }
        return response
    }

    /// Runs the request and, when it changed something, records who did it.
    private func audited(
        _ request: Request, _ requirement: RoutePolicy.Requirement, _ context: Context, _ next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let response = try await next(request, context)
        if !Self.isSafe(request.method), response.status.code < 400, case .right = requirement {
            record(request, by: context.caller, outcome: .accepted, reason: nil)
        }
        return response
    }

    private func record(_ request: Request, by caller: Caller?, outcome: Event.Outcome, reason: String?) {
        let at = Date()
        let summary = "\(request.method.rawValue) \(request.uri.path)"
        let event = Event(
            id: IDs.make("e", at: at), kind: outcome == .refused ? "auth" : "api", summary: summary, receivedAt: at,
            outcome: outcome, reason: reason, by: caller?.label)
        do { try engine.database.record(event) } catch {
            engine.logger.warning("could not record \(summary): \(error)")
        }
    }

    static func isSafe(_ method: HTTPRequest.Method) -> Bool { method == .get || method == .head || method == .options }
}

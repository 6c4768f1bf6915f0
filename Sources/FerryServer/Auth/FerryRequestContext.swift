import FerryCore
import Hummingbird
import NIOCore

/// The request context every route sees: Hummingbird's core storage plus who is asking.
/// `AuthMiddleware` fills `caller` (and `session` for a signed-in browser) before any handler runs.
public struct FerryRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The peer, for per-client limits; nil in router-mode tests.
    public let remoteAddress: SocketAddress?
    public var caller: Caller?
    /// The browser session the request came with, for its CSRF token.
    public var session: Session?
    /// The anti-forgery token this request's pages put in their forms and its form posts must
    /// carry (`FormGuard`): the session's own, or the server's when no session signs the browser in.
    public var formToken: String?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    /// The client's address without the port: what failed sign-ins are counted by.
    var clientAddress: String { remoteAddress?.ipAddress ?? "local" }
}

import FerryCore
import FerryEngine
import Foundation
import Hummingbird
import NIOCore

/// `POST /hooks/{binding-id}`: webhook ingress. The engine stores every delivery to a known
/// binding as an event before this answers; the status says what became of it (202 queued or
/// ignored, 200 ping or duplicate, 401 bad signature, 404 no such binding, 413 too large, 503
/// too many deliveries at once).
struct HookController {
    let engine: Engine
    let limits: ServerLimits
    let ingress: HookIngress

    /// Seconds a sender is asked to wait when the intake is full.
    static let retryAfterSeconds = 5

    func register(on router: Router<FerryRequestContext>) {
        router.post("hooks/{id}") { request, context in
            let id = try context.parameters.require("id")
            guard ingress.enter() else {
                var response = try JSONResponse.make(
                    HookAnswer(
                        outcome: "busy", message: "more than \(limits.hookQueue) deliveries in progress (limits.hookQueue); retry later",
                        event: nil, jobs: []),
                    status: .serviceUnavailable)
                response.headers[.retryAfter] = String(Self.retryAfterSeconds)
                return response
            }
            defer { ingress.leave() }
            let headers = request.pluginHeaders
            var tooLarge: String?
            var body: [UInt8] = []
            do {
                body = try await RequestBody.bytes(request, limits.hook)
            } catch let error as FerryError where error.code == .payloadTooLarge {
                tooLarge = error.message
            }
            let outcome = try await engine.receiveHook(bindingID: id, headers: headers, body: body, tooLarge: tooLarge)
            if outcome.unknownBinding { ingress.countUnknownBinding() }
            return try JSONResponse.make(
                HookAnswer(outcome: outcome.event?.outcome.rawValue ?? "refused", message: outcome.message, event: outcome.event?.id, jobs: outcome.jobs.map(\.id)),
                status: .init(code: outcome.status))
        }
    }

    struct HookAnswer: Encodable {
        var outcome: String
        var message: String
        var event: String?
        var jobs: [String]
    }
}

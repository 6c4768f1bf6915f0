import FerryCore
import FerryEngine
import Foundation
import Hummingbird
import NIOCore

/// `POST /hooks/{binding-id}`: webhook ingress. The engine stores every delivery as an event
/// before this answers; the status says what became of it (202 queued or ignored, 200 ping or
/// duplicate, 401 bad signature, 413 too large).
struct HookController {
    let engine: Engine

    func register(on router: Router<BasicRequestContext>) {
        router.post("hooks/{id}") { request, context in
            let id = try context.parameters.require("id")
            let headers = request.pluginHeaders
            var request = request
            var tooLarge = false
            var body: [UInt8] = []
            do {
                body = Array(buffer: try await request.collectBody(upTo: Engine.hookBodyLimit))
            } catch {
                tooLarge = true
            }
            let outcome = try engine.receiveHook(bindingID: id, headers: headers, body: body, tooLarge: tooLarge)
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

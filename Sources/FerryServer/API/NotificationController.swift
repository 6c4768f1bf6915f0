import FerryCore
import FerryEngine
import Foundation
import Hummingbird

/// `GET /api/notifications`: the outbox, newest first: each message with its target, state,
/// attempts and the last answer (never the target's URL, which may be its credential).
struct NotificationController {
    let engine: Engine
    let limits: ServerLimits

    func register(on router: Router<FerryRequestContext>) {
        router.group("api").get("notifications") { request, _ in
            let page = try PageQuery(request, maxLimit: limits.pageSize)
            return try JSONResponse.make(try engine.database.notifications(limit: page.limit))
        }
    }
}

import FerryCore
import FerryEngine
import Foundation
import Hummingbird

/// A source's listings (`GET /api/workloads/{name}/packages`, `…/broken`): its stored records,
/// paged (`offset`, `limit`, default 100) and searched by key (`q`), never recomputed here.
struct ListingController {
    let engine: Engine
    let limits: ServerLimits

    struct Page: Encodable {
        let total: Int
        let offset: Int
        let limit: Int
        let items: [JSONValue]
    }

    func register(on router: Router<FerryRequestContext>) {
        router.group("api").get("workloads/{name}/{listing}") { request, context in
            let name = try context.parameters.require("name")
            let listing = try context.parameters.require("listing")
            let query = request.uri.queryParameters
            let page = try PageQuery(request, maxLimit: limits.pageSize)
            let (total, items) = try engine.listing(listing, of: name, search: query.get("q"), offset: page.offset, limit: page.limit)
            return try JSONResponse.make(Page(total: total, offset: page.offset, limit: page.limit, items: items.map(\.value)))
        }
        // The key may hold one slash (an npm `@scope/name`).
        router.group("api").get("workloads/{name}/{listing}/{key}") { _, context in
            try JSONResponse.make(try engine.listingItem(
                try context.parameters.require("listing"), of: try context.parameters.require("name"), key: try context.parameters.require("key")))
        }
        router.group("api").get("workloads/{name}/{listing}/{key}/{rest}") { _, context in
            let key = try context.parameters.require("key"), rest = try context.parameters.require("rest")
            return try JSONResponse.make(try engine.listingItem(
                try context.parameters.require("listing"), of: try context.parameters.require("name"), key: "\(key)/\(rest)"))
        }
    }
}

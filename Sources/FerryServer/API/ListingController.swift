import FerryCore
import FerryEngine
import Foundation
import Hummingbird

/// A source's listings (`GET /api/workloads/{name}/packages`, `…/broken`): its stored records,
/// paged (`offset`, `limit`, default 100) and searched by key (`q`), never recomputed here.
struct ListingController {
    let engine: Engine

    struct Page: Encodable {
        let total: Int
        let offset: Int
        let limit: Int
        let items: [JSONValue]
    }

    func register(on router: Router<BasicRequestContext>) {
        router.group("api").get("workloads/{name}/{listing}") { request, context in
            let name = try context.parameters.require("name")
            let listing = try context.parameters.require("listing")
            let query = request.uri.queryParameters
            let offset = try Self.integer(query.get("offset"), field: "offset") ?? 0
            let limit = try Self.integer(query.get("limit"), field: "limit") ?? 100
            let (total, items) = try engine.listing(listing, of: name, search: query.get("q"), offset: offset, limit: limit)
            return try JSONResponse.make(Page(total: total, offset: offset, limit: min(max(limit, 1), 1000), items: items.map(\.value)))
        }
    }

    private static func integer(_ text: String?, field: String) throws -> Int? {
        guard let text else { return nil }
        guard let value = Int(text), value >= 0 else { throw FerryError.invalid(field, "expected a whole number ≥ 0, got \"\(text)\"") }
        return value
    }
}

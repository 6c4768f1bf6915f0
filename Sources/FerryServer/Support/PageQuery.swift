import FerryCore
import Hummingbird

/// `limit` and `offset` of a listing's query string, read one way everywhere: a value that is
/// negative, not a whole number or beyond the bound is a 400 naming the parameter, never a
/// silent default or a query the store must survive.
struct PageQuery {
    var limit: Int
    var offset: Int

    /// The largest `offset` accepted: far past any listing, and safe to add a limit to.
    static let maxOffset = 1_000_000_000

    init(_ request: Request, maxLimit: Int, defaultLimit: Int = 100) throws(FerryError) {
        let query = request.uri.queryParameters
        limit = try query.get("limit").map { text throws(FerryError) in
            try Int(checking: text, field: "limit", in: 1...maxLimit)
        } ?? min(defaultLimit, maxLimit)
        offset = try query.get("offset").map { text throws(FerryError) in
            try Int(checking: text, field: "offset", in: 0...Self.maxOffset)
        } ?? 0
    }
}

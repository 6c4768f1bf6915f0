import FerryCore

extension SurfaceResponse {
    /// A JSON answer computed for one request (search, list, the change feed, advisories,
    /// notify-batch): marked `no-cache`, since the next request may answer differently.
    static func json(_ status: Int, _ value: [String: JSONValue]) -> SurfaceResponse {
        SurfaceResponse(status: status, headers: ["content-type": "application/json", "cache-control": "no-cache"], body: .bytes(JSONText.bytes(.object(value))))
    }
}

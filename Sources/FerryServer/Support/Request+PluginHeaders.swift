import Hummingbird

extension Request {
    /// Header names in lower case with their values: the plain form plugins receive in
    /// `SurfaceRequest` and `IngressRequest`, so they need no HTTP library.
    var pluginHeaders: [String: String] {
        var headers: [String: String] = [:]
        for field in self.headers { headers[field.name.canonicalName] = field.value }
        // HTTP/1's Host header arrives as the authority; surfaces that write absolute URLs need it.
        if headers["host"] == nil, let authority = head.authority { headers["host"] = authority }
        return headers
    }
}

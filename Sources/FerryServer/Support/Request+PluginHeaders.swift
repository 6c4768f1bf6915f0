import Hummingbird

extension Request {
    /// Header names in lower case with their values: the plain form plugins receive in
    /// `SurfaceRequest` and `IngressRequest`, so they need no HTTP library.
    var pluginHeaders: [String: String] {
        var headers: [String: String] = [:]
        for field in self.headers { headers[field.name.canonicalName] = field.value }
        return headers
    }
}

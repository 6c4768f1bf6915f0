import FerryCore
import FerryEngine
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Serves each workload under its source's mount (`/sites/{name}/…`) from its live build.
/// The server only adapts HTTP; what a path means is the source plugin's `serve`.
struct SurfaceController {
    let engine: Engine
    let limits: ServerLimits
    /// Where finished answers a source marked `cacheable` are kept for the event loops.
    let answers: SurfaceAnswers
    private let fileIO = FileIO()

    func register(on router: Router<FerryRequestContext>) {
        let mounts = Set(engine.registry.sources.values.map { type(of: $0).mount })
        for mount in mounts.sorted() {
            for method in [HTTPRequest.Method.get, .head, .post] {
                router.on("\(mount)/{name}", method: method) { request, context in
                    let name = try context.parameters.require("name")
                    // The router matches `/sites/x/` here too; only the bare `/sites/x` is redirected.
                    if method == .post || request.uri.path.hasSuffix("/") {
                        return try await serve(request, context, mount: mount, name: name)
                    }
                    return Response(status: .movedPermanently, headers: [.location: "/\(mount)/\(name)/"])
                }
                router.on("\(mount)/{name}/**", method: method) { request, context in
                    try await serve(request, context, mount: mount, name: name(context))
                }
            }
        }
    }

    private func name(_ context: FerryRequestContext) throws -> String { try context.parameters.require("name") }

    private func serve(_ request: Request, _ context: FerryRequestContext, mount: String, name: String) async throws -> Response {
        guard let plugin = engine.registry.source(mountedAt: mount), try engine.sourceKind(of: name) == type(of: plugin).kind
        else { throw FerryError(.notFound, "no \(mount) workload named \(name)") }
        guard let live = engine.liveBuild(name) else {
            let reason = (try? engine.database.workload(name))?.status.reason ?? "no live build"
            throw FerryError(.unavailable, "\(name) has no live build yet: \(reason)")
        }
        let base = "/\(mount)/\(name)"
        let raw = request.uri.path
        let below = raw.hasPrefix(base + "/") ? String(raw.dropFirst(base.count + 1)) : ""
        let headers = request.pluginHeaders
        let body = request.method == .post ? try await RequestBody.bytes(request, limits.hook) : []
        // Learnt here too: with auth mode none nothing else asks for a workload's access after a
        // restart, and answers are kept only for workloads known to be public.
        _ = try engine.surfaceAccess(of: name)
        // Taken before the source answers, so an answer is never kept under a newer spec than its own.
        let known = engine.knownPublicLiveBuild(name)
        let surface = await plugin.serve(
            SurfaceRequest(method: request.method.rawValue, base: base, path: below, query: request.uri.query, headers: headers, body: body),
            live: live, context: try engine.surfaceContext(name, mount: mount))
        var keeper: Keeper?
        if surface.cacheable, request.method == .get, let known, known.live === live {
            keeper = Keeper(answers: answers, request: request.head, workload: name, build: live, epoch: known.epoch, madeFrom: surface.madeFrom)
        }
        return try await response(surface, request: request, context: context, memo: live.memo, keeper: keeper)
    }

    /// Hands a finished answer to `SurfaceAnswers`, with the headers the middleware adds to
    /// every surface answer and the server name, so a kept answer is byte for byte the same.
    struct Keeper {
        let answers: SurfaceAnswers
        let request: HTTPRequest
        let workload: String
        let build: LiveBuild
        let epoch: Int
        let madeFrom: [FileIdentity]

        func keep(_ status: HTTPResponse.Status, _ fields: HTTPFields, _ bytes: [UInt8]) {
            guard status == .ok || status == .notModified else { return }
            var fields = fields
            SecurityHeadersMiddleware<FerryRequestContext>.secure(&fields, surface: true)
            fields[.server] = ServerConfiguration.serverName
            answers.keep(
                SurfaceAnswers.Answer(head: HTTPResponse(status: status, headerFields: fields), body: ByteBuffer(bytes: bytes), madeFrom: madeFrom),
                for: request, workload: workload, build: build, epoch: epoch)
        }
    }

    /// Compressed variants are made for documents of at least this size, and at most the second.
    static let gzipSizes = 1024...(8 << 20)

    private func response(_ surface: SurfaceResponse, request: Request, context: FerryRequestContext, memo: BuildMemo, keeper: Keeper?) async throws -> Response {
        var fields = HTTPFields()
        for (name, value) in surface.headers {
            if let field = HTTPField.Name(name) { fields[field] = value }
        }
        let status = HTTPResponse.Status(code: surface.status)
        let size: Int
        switch surface.body {
        case .empty: return try await full(.empty, status: status, fields: fields, request: request, context: context, keeper: keeper)
        case .bytes(let bytes): size = bytes.count
        case .file(_, let length): size = Int(length)
        }
        guard surface.status == 200 else { return try await full(surface.body, status: status, fields: fields, request: request, context: context, keeper: keeper) }
        fields[.acceptRanges] = "bytes"
        if Gzip.worthCompressing(contentType: fields[.contentType]), Self.gzipSizes.contains(size), fields[.contentEncoding] == nil {
            fields[.vary] = "Accept-Encoding"
            if request.headers[.range] == nil, Gzip.accepted(by: request.headers[.acceptEncoding]),
               let packed = gzipped(surface.body, fields: fields, request: request, memo: memo) {
                fields[.contentEncoding] = "gzip"
                return try await full(.bytes(packed), status: status, fields: fields, request: request, context: context, keeper: keeper)
            }
        }
        switch range(of: request, size: size, etag: fields[.eTag]) {
        case .whole:
            return try await full(surface.body, status: status, fields: fields, request: request, context: context, keeper: keeper)
        case .unsatisfiable:
            return Response(status: .rangeNotSatisfiable, headers: [.contentRange: "bytes */\(size)", .acceptRanges: "bytes"])
        case .part(let part):
            fields[.contentRange] = "bytes \(part.lowerBound)-\(part.upperBound)/\(size)"
            fields[.contentLength] = String(part.count)
            switch surface.body {
            case .empty: return Response(status: .partialContent, headers: fields)
            case .bytes(let bytes):
                return Response(status: .partialContent, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: bytes[part])))
            case .file(let path, _):
                return Response(status: .partialContent, headers: fields, body: try await fileIO.loadFile(path: path, range: part, context: context))
            }
        }
    }

    /// The gzip variant of a document with an ETag, made on first request and kept in the live
    /// build's memo (so it is dropped with the build). Keyed by host, path and ETag: the same
    /// ETag can only ever name the same bytes there. Like nginx's `gzip_static`, the variant
    /// keeps the ETag, so conditional requests work the same with and without gzip.
    private func gzipped(_ body: SurfaceResponse.Body, fields: HTTPFields, request: Request, memo: BuildMemo) -> [UInt8]? {
        guard let etag = fields[.eTag] else { return nil }
        let key = "gzip:\(request.head.authority ?? ""):\(request.uri.path):\(etag)"
        return memo.value(key, cost: { $0?.count ?? 0 }) { () -> [UInt8]? in
            switch body {
            case .empty: return nil
            case .bytes(let bytes): return Gzip.compress(bytes)
            case .file(let path, _): return FileManager.default.contents(atPath: path).flatMap { Gzip.compress(Array($0)) }
            }
        }
    }

    /// The range a GET asks for, honoured only when `If-Range` (if sent) names the current
    /// strong ETag: a client resuming a download of a file that changed gets it whole.
    private func range(of request: Request, size: Int, etag: String?) -> ByteRange {
        guard request.method == .get, let header = request.headers[.range] else { return .whole }
        if let ifRange = request.headers[.ifRange], ifRange != etag || ifRange.hasPrefix("W/") { return .whole }
        return ByteRange(header: header, size: size)
    }

    /// The whole body; for HEAD only its length, as GET would send it.
    private func full(
        _ body: SurfaceResponse.Body, status: HTTPResponse.Status, fields: HTTPFields, request: Request, context: FerryRequestContext, keeper: Keeper? = nil
    ) async throws -> Response {
        var fields = fields
        switch body {
        case .empty:
            keeper?.keep(status, fields, [])
            return Response(status: status, headers: fields)
        case .bytes(let bytes):
            // The length of what is sent: a gzip variant is shorter than the length the plugin gave.
            fields[.contentLength] = String(bytes.count)
            keeper?.keep(status, fields, bytes)
            if request.method == .head { return Response(status: status, headers: fields) }
            return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
        case .file(let path, let size):
            if request.method == .head {
                fields[.contentLength] = String(size)
                return Response(status: status, headers: fields)
            }
            return Response(status: status, headers: fields, body: try await fileIO.loadFile(path: path, context: context))
        }
    }
}

import FerryCore
import FerryEngine
import Foundation
import Hummingbird
import NIOCore

/// Actions and jobs: start one, list and read them, follow a log, cancel.
struct JobController {
    let engine: Engine
    let limits: ServerLimits

    func register(on router: Router<FerryRequestContext>) {
        let api = router.group("api")
        api.post("workloads/{name}/actions/{action}", use: runAction)
        api.get("jobs") { request, _ in
            let workload = request.uri.queryParameters["workload"].map(String.init)
            let page = try PageQuery(request, maxLimit: limits.pageSize)
            return try JSONResponse.make(try engine.database.jobs(workload: workload, limit: page.limit))
        }
        api.get("jobs/{id}") { _, context in try JSONResponse.make(try job(context)) }
        api.post("jobs/{id}/cancel") { _, context in
            try JSONResponse.make(try engine.cancel(jobID: try context.parameters.require("id")), status: .accepted)
        }
        api.get("jobs/{id}/log", use: log)
    }

    private func job(_ context: FerryRequestContext) throws -> Job {
        let id = try context.parameters.require("id")
        guard let job = try engine.database.job(id) else { throw FerryError.notFound("job", id) }
        return job
    }

    /// Body: `{"params": {...}}` (or the params object itself). Answers 202 with the queued job.
    @Sendable func runAction(_ request: Request, context: FerryRequestContext) async throws -> Response {
        let name = try context.parameters.require("name")
        let action = try context.parameters.require("action")
        _ = try engine.workload(name)
        let body = try await JSONResponse.documents(request, limits: limits).first ?? .object([:])
        let params = body["params"] ?? body
        let by = request.headers[.userAgent].map { $0.hasPrefix("ferry-cli") ? "cli" : "api" } ?? "api"
        let job = try engine.run(workload: name, action: action, params: params, by: by)
        return try JSONResponse.make(job, status: .accepted)
    }

    /// The job's log as text. `?follow=true` keeps the response open until the job ends;
    /// `Accept: text/event-stream` sends the same as server-sent events (one `data:` per line,
    /// then an `end` event carrying the job's final state).
    @Sendable func log(_ request: Request, context: FerryRequestContext) async throws -> Response {
        let job = try job(context)
        let sse = request.headers[.accept]?.contains("text/event-stream") == true
        let follow = sse || request.uri.queryParameters["follow"].map { $0 == "true" || $0 == "1" } == true
        let url = engine.paths.log(job.id)
        if !follow {
            let data = FileManager.default.contents(atPath: url.path) ?? Data()
            return Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
        }
        let follower = LogFollower(url: url, jobID: job.id, database: engine.database)
        let headers: HTTPFields = sse
            ? [.contentType: "text/event-stream", .cacheControl: "no-cache"]
            : [.contentType: "text/plain; charset=utf-8", .cacheControl: "no-cache"]
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            let final = try await follower.follow { chunk in
                let text = sse ? chunk.split(separator: "\n").map { "data: \($0)\n\n" }.joined() : chunk
                try await writer.write(ByteBuffer(string: text))
            }
            if sse { try await writer.write(ByteBuffer(string: "event: end\ndata: \(final?.state.rawValue ?? "unknown")\n\n")) }
            try await writer.finish(nil)
        })
    }
}

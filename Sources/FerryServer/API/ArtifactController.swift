import FerryCore
import FerryEngine
import Foundation
import Hummingbird

/// Artifacts jobs handed out (npm diff archives): listed with their sha256, downloaded whole.
struct ArtifactController {
    let engine: Engine
    private let fileIO = FileIO()

    func register(on router: Router<FerryRequestContext>) {
        let api = router.group("api")
        api.get("artifacts") { request, _ in
            let workload = request.uri.queryParameters.get("workload")
            if let workload { _ = try engine.workload(workload) }
            return try JSONResponse.make(try engine.artifacts(workload: workload))
        }
        api.get("artifacts/{id}") { _, context in
            let (artifact, _) = try engine.artifactFile(try context.parameters.require("id"))
            return try JSONResponse.make(artifact)
        }
        api.get("artifacts/{id}/download") { _, context in
            let (artifact, url) = try engine.artifactFile(try context.parameters.require("id"))
            let body = try await fileIO.loadFile(path: url.path, context: context)
            return Response(
                status: .ok,
                headers: [
                    .contentType: "application/octet-stream",
                    .contentDisposition: "attachment; filename=\"\(artifact.name)\"",
                    .init("x-checksum-sha256")!: artifact.sha256,
                    .contentLength: String(artifact.size),
                ],
                body: body)
        }
    }
}

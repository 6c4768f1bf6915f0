import FerryEngine
import Hummingbird

/// Runs every handler on `BlockingExecutor`: handlers call the store synchronously, and a
/// handler waiting for the write lock must hold one of that executor's threads, not one of the
/// concurrency pool's (there are as many as cores), or one slow write would stall every request.
struct BlockingExecutorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        try await withTaskExecutorPreference(BlockingExecutor.shared) {
            try await next(request, context)
        }
    }
}

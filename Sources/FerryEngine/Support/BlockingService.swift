import ServiceLifecycle

/// A service run with `BlockingExecutor` as its task executor: its loop and the tasks it
/// groups call the store and the file system synchronously, off the concurrency pool.
struct BlockingService: Service {
    let inner: any Service

    func run() async throws {
        try await withTaskExecutorPreference(BlockingExecutor.shared) { try await inner.run() }
    }
}

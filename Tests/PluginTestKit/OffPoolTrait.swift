import FerryEngine
import Testing

/// Runs a suite's tests on `BlockingExecutor`, as the server runs jobs: plugin actions called
/// straight from a test do their file and process work synchronously, and on Swift's pool
/// (two threads here) that starved every other suite running at the same time.
public struct OffPoolTrait: SuiteTrait, TestTrait, TestScoping {
    public var isRecursive: Bool { true }

    public func provideScope(for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void) async throws {
        try await withTaskExecutorPreference(BlockingExecutor.shared) { try await function() }
    }
}

extension Trait where Self == OffPoolTrait {
    /// Tests run off the concurrency pool, on the executor jobs use.
    public static var offPool: OffPoolTrait { OffPoolTrait() }
}

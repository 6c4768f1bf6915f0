import FerryCore
import FerryStore
import Foundation

/// Small builders for store tests. Times are whole seconds from a fixed origin: the store keeps
/// milliseconds, so these compare exactly after a round trip.
enum StoreFixtures {
    static let origin = Date(timeIntervalSince1970: 1_750_000_000)

    static func at(_ seconds: Int) -> Date { origin.addingTimeInterval(TimeInterval(seconds)) }

    static func spec(_ name: String, branch: String = "main", triggers: [TriggerRef] = []) -> WorkloadSpec {
        WorkloadSpec(
            name: name,
            source: SourceRef(kind: "static-site", config: .object(["repo": .string("https://git.example.com/\(name).git"), "branch": .string(branch)])),
            triggers: triggers)
    }

    static func binding(_ id: String, owner: String?, workload: String, at seconds: Int = 0) -> Binding {
        Binding(id: id, kind: "manual", config: .object([:]), workloads: [.init(name: workload, action: "deploy")], owner: owner, createdAt: at(seconds))
    }

    static func event(_ id: String, at seconds: Int = 0, kind: String = "manual", outcome: Event.Outcome = .accepted,
                      bindingID: String? = nil, deliveryID: String? = nil) -> Event {
        Event(id: id, kind: kind, summary: "event \(id)", deliveryID: deliveryID, bindingID: bindingID, receivedAt: at(seconds),
              outcome: outcome, causes: [], payload: .object(["n": .number(Double(seconds))]))
    }

    static func job(_ id: String, _ workload: String, at seconds: Int = 0, action: String = "deploy",
                    state: Job.State = .queued, params: JSONValue = .object([:])) -> Job {
        Job(id: id, workload: workload, action: action, params: params, state: state, createdAt: at(seconds))
    }

    static func build(_ id: String, _ workload: String, at seconds: Int) -> Build {
        Build(id: id, workload: workload, jobID: "j-\(id)", revision: .git(branch: "main", commit: "abc1234"), fileCount: 2,
              totalBytes: 10, digest: "d-\(id)", createdAt: at(seconds))
    }

    static func deploy(_ id: String, _ workload: String, build: String, at seconds: Int) -> Deploy {
        Deploy(id: id, workload: workload, buildID: build, kind: .deploy, revision: nil, jobID: nil, previousBuildID: nil, createdAt: at(seconds))
    }

    /// Always inserts: the store tests that need coalescing pass their own `decide`.
    static let insert: @Sendable ([Job], Job) -> EnqueueDecision = { _, request in .insert(request) }
}

/// A fresh directory under the system temp dir, removed when `body` returns or throws.
func withTemporaryDirectory<T>(_ body: (URL) throws -> T) throws -> T {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("ferry-store-tests-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: url) }
    return try body(url)
}

/// A real SQLite file database (WAL, migrations run) in a temp dir that goes away afterwards.
func withDatabase<T>(_ body: (FerryDatabase) throws -> T) throws -> T {
    try withTemporaryDirectory { dir in
        try body(try FerryDatabase(path: dir.appendingPathComponent("ferry.sqlite").path))
    }
}

/// The same for tests that write from several tasks at once.
func withDatabase(_ body: (FerryDatabase) async throws -> Void) async throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ferry-store-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    try await body(try FerryDatabase(path: dir.appendingPathComponent("ferry.sqlite").path))
}

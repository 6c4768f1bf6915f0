import FerryCore
import FerryEngine
import HTTPTypes
import NIOCore
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

extension HTTPField.Name {
    static var xForwardedProto: Self { Self("X-Forwarded-Proto")! }
}

/// Finished answers to surface GETs, kept so that the same request again is answered by the
/// event loop that read it (`SurfaceFastPath`) instead of travelling through the router, the
/// middleware and the source plugin: status, final headers and body bytes, exactly as the
/// slower path sent them the first time.
///
/// Only answers a source marked `cacheable` (read from the live build, or from files it names in
/// `madeFrom`) for a workload whose surfaces are public are kept, 200s and 304s with a body small
/// enough to hold, within one memory budget for all workloads. They are kept
/// per workload for one live build and one spec (`Engine.knownPublicLiveBuild`): a switch of
/// builds or an `apply` that changed anything makes every kept answer of the old one unused,
/// and the first request after it takes the slower path again and fills the new shelf.
final class SurfaceAnswers: Sendable {
    /// Status and headers as sent, but `Date`, which is set when it is sent again; and the
    /// files outside the build it was read from (`SurfaceResponse.madeFrom`).
    struct Answer: Sendable {
        let head: HTTPResponse
        let body: ByteBuffer
        var madeFrom: [FileIdentity] = []
    }

    /// What was kept for one workload: valid while its build and the spec epoch are current.
    private struct Shelf {
        let build: LiveBuild
        let epoch: Int
        var answers: [String: Answer] = [:]
        var bytes = 0
    }

    /// Bodies up to this size are kept (npm's and composer's documents, site files).
    static let largestBody = BuildMemo.smallFileLimit
    /// Bytes of bodies kept, all workloads together.
    let budget: Int
    let mounts: Set<String>
    private let engine: Engine
    private let state = Mutex<(shelves: [String: Shelf], bytes: Int)>(([:], 0))
    private let fastAnswers = Atomic<Int>(0)

    init(engine: Engine, budget: Int = BuildMemo.defaultByteBudget) {
        self.engine = engine
        self.budget = budget
        self.mounts = Set(engine.registry.sources.values.map { type(of: $0).mount })
    }

    /// How many requests the event loops answered from here (`/metrics`).
    var answeredFast: Int { fastAnswers.load(ordering: .relaxed) }

    /// The kept answer to `request`, or nil when it must take the slower path.
    func answer(to request: HTTPRequest) -> Answer? {
        guard request.method == .get || request.method == .head, let path = request.path,
              let name = Self.workload(in: path, mounts: mounts), let key = Self.key(request)
        else { return nil }
        guard let (live, epoch) = engine.knownPublicLiveBuild(name) else {
            // Deleted, made private or switched: what was kept for it is no use any more.
            state.withLock { state in
                if let shelf = state.shelves.removeValue(forKey: name) { state.bytes -= shelf.bytes }
            }
            return nil
        }
        let found = state.withLock { state -> Answer? in
            guard let shelf = state.shelves[name] else { return nil }
            guard shelf.build === live, shelf.epoch == epoch else {
                state.bytes -= shelf.bytes
                state.shelves[name] = nil
                return nil
            }
            return shelf.answers[key]
        }
        guard let found else { return nil }
        // A stat per file an answer came from (a packument, a tarball): what nginx does per
        // request too, and far less than reading and rewriting the document.
        for file in found.madeFrom where Self.identity(of: file.path) != file { return nil }
        fastAnswers.add(1, ordering: .relaxed)
        return found
    }

    static func identity(of path: String) -> FileIdentity? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return FileIdentity(
            path: path, inode: UInt64(info.st_ino), size: Int64(info.st_size),
            modified: Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec), isRegularFile: info.st_mode & S_IFMT == S_IFREG)
    }

    /// Keeps the answer the slower path sent, under the build and epoch it was made for.
    func keep(_ answer: Answer, for request: HTTPRequest, workload name: String, build: LiveBuild, epoch: Int) {
        guard request.method == .get, answer.body.readableBytes <= Self.largestBody, let key = Self.key(request) else { return }
        state.withLock { state in
            // A shelf of another build or spec is replaced; `answer(to:)` checks both against
            // what is live, so an answer that lost a race with a switch is never sent.
            var shelf = state.shelves[name] ?? Shelf(build: build, epoch: epoch)
            if shelf.build !== build || shelf.epoch != epoch {
                state.bytes -= shelf.bytes
                shelf = Shelf(build: build, epoch: epoch)
            }
            // A kept answer is replaced only by a newer one (its files changed since).
            if let old = shelf.answers[key] {
                guard old.madeFrom != answer.madeFrom else { return }
                shelf.bytes -= old.body.readableBytes
                state.bytes -= old.body.readableBytes
                shelf.answers[key] = nil
            }
            let size = answer.body.readableBytes
            if state.bytes + size <= budget {
                shelf.answers[key] = answer
                shelf.bytes += size
                state.bytes += size
            }
            state.shelves[name] = shelf
        }
    }

    /// The workload of a surface path (`/sites/docs/a.html?x` → `docs`), if it is one.
    static func workload(in path: String, mounts: Set<String>) -> String? {
        let parts = path.split(separator: "/", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].isEmpty, mounts.contains(String(parts[1])) else { return nil }
        let name = parts[2].prefix { $0 != "/" && $0 != "?" }
        return name.isEmpty ? nil : String(name)
    }

    /// What an answer may depend on (`SurfaceResponse.cacheable`); nil for requests that are
    /// never answered from here: ranges (the answer is a part) and requests that end the
    /// connection or ask for a protocol change (the HTTP layer must see those).
    static func key(_ request: HTTPRequest) -> String? {
        let fields = request.headerFields
        guard fields[.range] == nil, fields[.ifRange] == nil, fields[.upgrade] == nil, fields[.expect] == nil, let path = request.path,
              fields[.connection].map({ $0.lowercased() == "keep-alive" }) ?? true
        else { return nil }
        let gzip = Gzip.accepted(by: fields[.acceptEncoding]) ? "1" : "0"
        return [
            request.authority ?? "", path, fields[.accept] ?? "", gzip, fields[.ifNoneMatch] ?? "", fields[.ifModifiedSince] ?? "",
            fields[.xForwardedProto] ?? "",
        ]
            .joined(separator: "\n")
    }
}

import FerryCore
import FerryStore
import Foundation

/// Stage chains: `parent` links between workloads (site-dev → site-staging → site-prod).
extension Engine {
    /// Queues a promotion of the parent's live build into `child` (see `Promotion`). Refused at
    /// once, with the reason, when there is no parent or the parent has nothing live.
    public func promote(child: String, from: String? = nil, by: String = "api") throws -> Job {
        let workload = try self.workload(child)
        guard let parent = from ?? workload.spec.parent else {
            throw FerryError(.invalidInput, "\(child) has no parent; name the stage to promote from (--from)")
        }
        guard parent != child else { throw FerryError.invalid("from", "a workload cannot be promoted from itself") }
        _ = try self.workload(parent)
        guard activator.liveBuildID(workload: parent) != nil else {
            throw FerryError(.conflict, "cannot promote \(child): \(parent) has no live build yet; deploy it first")
        }
        let result = try dispatcher.dispatch(DispatchRequest(
            kind: "manual", summary: "promote \(parent) → \(child), asked for by \(by)",
            targets: [.init(workload: child, action: Promotion.actionName, params: .object(["from": .string(parent)]))],
            payload: .object(["by": .string(by), "from": .string(parent)])))
        guard let job = result.jobs.first else { throw FerryError(.internal, "the dispatcher queued no job") }
        return job
    }

    /// The workloads whose `parent` is `name`.
    public func children(of name: String) throws -> [String] {
        try database.workloads().filter { $0.spec.parent == name }.map(\.name)
    }

    /// Refuses a parent link that would close a cycle (a → b → a).
    func checkChain(_ spec: WorkloadSpec) throws {
        var chain = [spec.name]
        var next = spec.parent
        while let parent = next {
            if chain.contains(parent) {
                throw FerryError.invalid("parent", "\((chain + [parent]).joined(separator: " → ")) would be a cycle")
            }
            chain.append(parent)
            next = try database.workload(parent)?.spec.parent
        }
    }
}

extension Engine {
    /// Suspends or resumes a workload: triggers and the reconciler leave a suspended one alone.
    /// It is a spec change like any other, recorded with a new generation.
    public func setSuspended(workload name: String, _ suspended: Bool) throws -> Workload {
        var spec = try self.workload(name).spec
        spec.suspend = suspended
        return try apply(try JSONValue(encoding: spec)).0
    }
}

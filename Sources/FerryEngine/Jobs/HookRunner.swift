import FerryCore
import Foundation

/// Runs a workload's operator hooks as steps of its job: each under `hooks.allow` (checked
/// again here, on the resolved path, since the file may have changed since apply), with the
/// job's env plus `FERRY_*` facts about the job, its output in the log as its own section, and
/// killed (with its children) at its timeout.
struct HookRunner: Sendable {
    let roots: AllowedRoots

    func run(_ hooks: [HookCommand], phase: String, job: Job, context: JobContext, extra: [String: String]) async throws {
        for (i, hook) in hooks.enumerated() {
            let label = "hook \(phase) \(job.action) #\(i + 1)"
            let resolved = URL(fileURLWithPath: hook.run).resolvingSymlinksInPath().path
            guard roots.contains(resolved) else {
                throw FerryError(.failed, "\(label): \(hook.run) is not under a folder listed in the server config's hooks.allow (\(roots.listed))")
            }
            guard FileManager.default.isExecutableFile(atPath: resolved) else {
                throw FerryError(.failed, "\(label): \(hook.run) is not an executable file")
            }
            var env = context.env
            env.merge(extra) { $1 }
            env["FERRY_WORKLOAD"] = job.workload
            env["FERRY_ACTION"] = job.action
            env["FERRY_JOB_ID"] = job.id
            env["FERRY_HOOK_PHASE"] = phase
            let environment = env
            context.log("── \(label): \(([hook.run] + hook.args).joined(separator: " ")) ──")
            let started = Date()
            do {
                _ = try await Self.withTimeout(seconds: hook.timeoutSeconds) {
                    try await context.runQuiet([hook.run] + hook.args, in: context.scratchDirectory, environment: environment)
                }
            } catch let error as HookTimeout {
                context.log("── \(label): killed after \(Self.seconds(error.seconds)) ──")
                throw FerryError(.failed, "\(label) (\(hook.run)) did not finish within \(Self.seconds(error.seconds)) and was killed")
            } catch let error as FerryError {
                context.log("── \(label): \(error.message) ──")
                throw FerryError(.failed, "\(label) failed: \(error.message)" + (phase == "before" ? "; nothing was changed" : ""))
            }
            context.log("── \(label): done in \(Self.seconds(Date().timeIntervalSince(started))) ──")
        }
    }

    struct HookTimeout: Error { let seconds: Double }

    /// Runs `body`, cancelling it (which terminates the process tree) after `seconds`.
    static func withTimeout<T: Sendable>(seconds: Double, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let value = first else { throw HookTimeout(seconds: seconds) }
            return value
        }
    }

    static func seconds(_ value: Double) -> String { value < 10 ? String(format: "%.1f s", value) : "\(Int(value.rounded())) s" }
}

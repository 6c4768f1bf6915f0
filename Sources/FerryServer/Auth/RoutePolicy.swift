import FerryCore
import HTTPTypes

/// What each route needs, in one table a reviewer can read: the single place where the server
/// decides which right a request exercises and on which workload. Handlers never decide this
/// themselves, so a new route is refused until it is listed here (`default` needs a viewer).
struct RoutePolicy: Sendable {
    /// What the right is about.
    enum Target: Sendable, Equatable {
        /// No one workload: lists, kinds, tokens. Operate and administer then need the whole scope.
        case none
        case workload(String)
        /// A job's workload, looked up by the middleware.
        case job(String)
        /// Named in the body (`POST /api/apply`): the role is checked here, the name by the engine.
        case body
    }

    enum Requirement: Sendable, Equatable {
        /// Webhooks (signed), health, static UI files, the sign-in page.
        case open
        /// A workload's surface: open when its `access` is public, else `.serve` on it.
        case surface(workload: String)
        /// Any authenticated caller (who am I, sign-out).
        case authenticated
        case right(Right, Target)
    }

    /// Where each source plugin mounts its surfaces (`sites`, `composer`, `npm`).
    let mounts: Set<String>

    func requirement(method: HTTPRequest.Method, path: String) -> Requirement {
        let p = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        let reads = method == .get || method == .head
        guard let first = p.first else { return .right(.read, .none) }
        if mounts.contains(first), p.count >= 2 { return .surface(workload: p[1]) }
        switch first {
        case "hooks", "static", "signin", "favicon.ico": return .open
        case "signout": return .authenticated
        case "metrics": return .right(.read, .none)
        case "api": return api(Array(p.dropFirst()), reads: reads)
        default: return ui(p, reads: reads)
        }
    }

    private func api(_ p: [String], reads: Bool) -> Requirement {
        switch (p.first, p.count) {
        case ("health", _): return .open
        case ("whoami", _): return .authenticated
        case ("tokens", _), ("users", _): return .right(.administer, .none)
        case ("apply", _): return .right(.administer, .body)
        case ("bindings", _): return reads ? .right(.read, .none) : .right(.administer, .none)
        case ("jobs", 1...): return p.count >= 2 ? .right(reads ? .read : .operate, .job(p[1])) : .right(.read, .none)
        case ("workloads", 1): return reads ? .right(.read, .none) : .right(.administer, .body)
        case ("workloads", 2...):
            let name = p[1]
            if reads { return .right(.read, .workload(name)) }
            // The workload itself (PUT, DELETE) is an admin's; what runs on it is an operator's.
            return .right(p.count == 2 ? .administer : .operate, .workload(name))
        default: return reads ? .right(.read, .none) : .right(.administer, .none)
        }
    }

    /// The web UI mirrors the API: pages read, forms on a workload operate, the wizard administers.
    private func ui(_ p: [String], reads: Bool) -> Requirement {
        if reads {
            if p.first == "workloads", p.count >= 2 { return .right(.read, .workload(p[1])) }
            if p.first == "jobs", p.count >= 2 { return .right(.read, .job(p[1])) }
            return .right(.read, .none)
        }
        switch p.first {
        case "new": return .right(.administer, .body)
        case "workloads" where p.count >= 3 && (p[2] == "edit" || p[2] == "bindings"): return .right(.administer, .workload(p[1]))
        case "workloads" where p.count >= 2: return .right(.operate, .workload(p[1]))
        case "jobs" where p.count >= 2: return .right(.operate, .job(p[1]))
        default: return .right(.administer, .none)
        }
    }

    /// Whether the path belongs to the web UI (pages answer a missing sign-in with a redirect).
    func isUI(_ path: String) -> Bool {
        let first = path.split(separator: "/").first.map(String.init) ?? ""
        return !(["api", "hooks", "metrics"].contains(first) || mounts.contains(first))
    }
}

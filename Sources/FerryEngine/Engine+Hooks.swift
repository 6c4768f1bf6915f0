import FerryCore
import FerryStore
import Foundation

/// What the hook endpoint answers: a status, a message, and what was stored.
public struct HookOutcome: Sendable {
    public var status: Int
    public var message: String
    public var event: Event?
    public var jobs: [Job]
    /// The delivery named a binding id that does not exist; nothing was stored for it.
    public var unknownBinding = false
}

extension Engine {
    /// Handles one delivery to `POST /hooks/{binding-id}`. Every delivery to a known binding,
    /// trusted or not, ends as an event with its outcome and reason, stored before the answer;
    /// only an accepted, matching, non-duplicate delivery queues jobs, and it does so in the same
    /// transaction. A delivery to an unknown id stores nothing (anyone can send those, one row
    /// each would grow the store without end): it is answered 404 and counted by the caller.
    /// `tooLarge` is the refusal to record when the body was over the server's limit. The store
    /// write is group-committed (`Dispatcher.dispatchDelivery`): the answer waits for its
    /// batch's commit without holding a thread of the concurrency pool.
    public func receiveHook(bindingID: String, headers: [String: String], body: [UInt8], tooLarge: String? = nil) async throws -> HookOutcome {
        func record(_ outcome: Event.Outcome, _ status: Int, _ reason: String, sender: String? = nil, delivery: String? = nil, summary: String? = nil) async throws -> HookOutcome {
            let result = try await dispatcher.dispatchDelivery(DispatchRequest(
                kind: "git-push", summary: summary ?? "delivery to \(bindingID)\(sender.map { " from \($0)" } ?? "")", targets: [],
                outcome: outcome, reason: reason, bindingID: bindingID, deliveryID: delivery,
                payload: sender.map { .object(["sender": .string($0)]) } ?? .object([:])))
            if outcome == .refused {
                notifier.emit(.bindingRefused, workload: nil, key: bindingID, subject: "binding \(bindingID) refused a delivery",
                              text: "⚠ binding \(bindingID) refused a delivery\(sender.map { " from \($0)" } ?? ""): \(reason)")
            }
            return HookOutcome(status: status, message: reason, event: result.event, jobs: [])
        }
        guard let binding = try database.binding(bindingID) else {
            return HookOutcome(status: 404, message: "no binding \(bindingID)", event: nil, jobs: [], unknownBinding: true)
        }
        if let tooLarge { return try await record(.refused, 413, tooLarge) }
        guard let trigger = registry.triggers[binding.kind] as? any IngressTrigger else {
            return try await record(.refused, 400, "binding \(bindingID) is a \(binding.kind) trigger, which takes no webhooks")
        }
        let secret = try secret(of: binding)
        // Without a secret nothing proves who sent a delivery: only an explicit `insecure: true`
        // accepts that. Checked before the body is parsed.
        if secret == nil, binding.config["insecure"] != .bool(true) {
            logger.warning("hook \(bindingID): refused a delivery, the binding has no secret")
            return try await record(
                .refused, 401,
                "binding \(bindingID) has no secret, so unsigned deliveries are refused; re-apply its workload file to generate one, or set config.insecure: true")
        }
        let verdict = trigger.receive(IngressRequest(headers: headers, body: body), secret: secret)
        switch verdict {
        case .refused(let sender, let delivery, let reason):
            logger.warning("hook \(bindingID): refused delivery from \(sender ?? "unknown sender"): \(reason)")
            return try await record(.refused, 401, reason, sender: sender, delivery: delivery)
        case .malformed(let sender, let delivery, let reason):
            return try await record(.refused, 400, reason, sender: sender, delivery: delivery)
        case .ignored(let d, let reason):
            return try await record(.ignored, d.event == "ping" || reason == "ping" ? 200 : 202, reason, sender: d.sender, delivery: d.deliveryID, summary: d.summary)
        case .accepted(let delivery):
            if binding.suspend {
                return try await record(.ignored, 202, "binding \(bindingID) is suspended", sender: delivery.sender, delivery: delivery.deliveryID, summary: delivery.summary)
            }
            return try await dispatchDelivery(delivery, binding: binding, trigger: trigger)
        }
    }

    /// How many recent events of a binding's kind the staleness check reads.
    static let staleHistory = 500

    /// Queues the targets the delivery matches, except those it is stale for (`StalePushCheck`):
    /// when every matching target refused it as stale, the event's outcome is `stale`.
    private func dispatchDelivery(_ delivery: IngressDelivery, binding: Binding, trigger: any IngressTrigger) async throws -> HookOutcome {
        var targets: [DispatchRequest.Target] = []
        var reasons: [String] = []
        var stale = 0
        var check: StalePushCheck?
        let defaults = binding.config.objectValue?.filter { ["branches", "tags", "paths"].contains($0.key) } ?? [:]
        for target in binding.workloads {
            guard let workload = try database.workload(target.name) else {
                reasons.append("\(target.name): no such workload")
                continue
            }
            if workload.spec.suspend {
                reasons.append("\(target.name): suspended")
                continue
            }
            let filters = JSONValue.object(defaults.merging(target.filters.objectValue ?? [:]) { _, own in own })
            let decision = trigger.matches(delivery, filters: filters)
            reasons.append("\(target.name): \(decision.reason)")
            guard decision.matches else { continue }
            if let commit = delivery.commit {
                let history = check ?? StalePushCheck { [database] in try database.events(kind: binding.kind, limit: Self.staleHistory) }
                check = history
                if let why = try history.reason(
                    commit: commit, bindingID: binding.id, payload: delivery.payload,
                    liveRevision: workload.status.liveRevision, deploys: { try database.deploys(workload: workload.name) })
                {
                    reasons[reasons.count - 1] = "\(target.name): stale: \(why)"
                    stale += 1
                    continue
                }
            }
            let branch = delivery.payload["branch"]?.stringValue ?? delivery.payload["tag"]?.stringValue ?? "ref"
            targets.append(.init(
                workload: target.name, action: target.action,
                revision: delivery.commit.map { Revision.git(branch: branch, commit: $0) }))
        }
        let result = try await dispatcher.dispatchDelivery(DispatchRequest(
            kind: binding.kind, summary: delivery.summary, targets: targets,
            outcome: !targets.isEmpty ? .accepted : stale > 0 ? .stale : .filtered, reason: reasons.joined(separator: "; "),
            bindingID: binding.id, deliveryID: delivery.deliveryID, payload: delivery.payload))
        if result.event.outcome == .duplicate {
            return HookOutcome(status: 200, message: result.event.reason ?? "duplicate delivery", event: result.event, jobs: [])
        }
        let message = targets.isEmpty ? "nothing to do: \(reasons.joined(separator: "; "))" : "queued \(result.jobs.count) job(s)"
        return HookOutcome(status: 202, message: message, event: result.event, jobs: result.jobs)
    }
}

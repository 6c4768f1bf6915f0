import FerryCore
import Foundation

/// One poll of one upstream: check, decide, fire, remember. Returns how long to wait before
/// the next poll (the interval, or the back-off after a failure).
struct Poller: Sendable {
    let config: PollConfig
    var state: PollState

    mutating func poll(_ context: any WatchContext) async throws -> TimeInterval {
        let upstream = config.upstream
        let answer: UpstreamAnswer
        do {
            answer = try await upstream.check(UpstreamCheck(
                http: context.http, headers: try authHeaders(context), credentialHeaders: Set(config.auth.map { [$0.header] } ?? []),
                allowInsecure: config.allowInsecure, etag: state.etag, lastModified: state.lastModified,
                run: { try await context.run($0, environment: $1) },
                env: { [first = context.binding.workloads.first?.name] key in first.flatMap { try? context.env(of: $0)[key] } }))
        } catch let error as CancellationError {
            throw error
        } catch {
            state.failures += 1
            let wait = PollState.backoff(failures: state.failures)
            try state.save(context.records)
            await context.reportStatus(.object([
                "state": .string("failing"), "upstream": .string(upstream.key), "error": .string("\(error)"),
                "failures": .number(Double(state.failures)), "checkedAt": .string(Self.iso(context.now)),
                "retryIn": .number(wait), "delivered": state.delivered.map(JSONValue.string) ?? .null,
            ]))
            return wait
        }
        state.failures = 0
        state.etag = answer.etag ?? (answer.version == nil ? state.etag : nil)
        state.lastModified = answer.lastModified ?? (answer.version == nil ? state.lastModified : nil)
        switch state.decide(answer.version) {
        case .unchanged:
            break
        case .baseline(let version):
            state.delivered = version
            try await context.record(
                .ignored, summary: "\(upstream.key): first seen \(answer.label)",
                reason: "baseline: the first version seen is remembered, not fired; the next change fires",
                payload: answer.details)
        case .changed(let previous, let version):
            let revision = answer.revision ?? Revision(id: version)
            var payload = answer.details.objectValue ?? [:]
            payload["previous"] = .string(previous)
            payload["revision"] = .string(revision.label)
            payload["upstream"] = .string(upstream.key)
            let result = try await context.fire(WatchFiring(
                summary: "\(answer.label) (was \(previous))", reason: "\(upstream.key) changed from \(previous) to \(version)",
                payload: .object(payload), deliveryID: "\(upstream.key)@\(version)",
                params: config.jobParams(version: version, revision: revision), revision: revision))
            // Delivered whatever the engine made of it: a version skipped while suspended is
            // recorded as skipped and not fired later, like a skipped schedule slot.
            state.delivered = version
            await context.reportStatus(status(context, lastEvent: result.event))
            try state.save(context.records)
            return config.interval
        }
        try state.save(context.records)
        await context.reportStatus(status(context, lastEvent: nil))
        return config.interval
    }

    private func status(_ context: any WatchContext, lastEvent: Event?) -> JSONValue {
        var s: [String: JSONValue] = [
            "state": .string("ok"), "upstream": .string(config.upstream.key), "checkedAt": .string(Self.iso(context.now)),
            "delivered": state.delivered.map(JSONValue.string) ?? .null, "interval": .number(config.interval),
        ]
        if let lastEvent {
            s["lastEvent"] = .string(lastEvent.id)
            s["lastOutcome"] = .string(lastEvent.outcome.rawValue)
        }
        return .object(s)
    }

    private func authHeaders(_ context: any WatchContext) throws -> [String: String] {
        guard let auth = config.auth else { return [:] }
        guard let workload = context.binding.workloads.first?.name else { return [:] }
        guard let value = try context.env(of: workload)[auth.env] else {
            throw FerryError.invalid("config.auth.env", "workload \(workload) has no env key \(auth.env)")
        }
        return [auth.header: auth.prefix + value]
    }

    static func iso(_ date: Date) -> String { ISO8601DateFormatter().string(from: date) }
}

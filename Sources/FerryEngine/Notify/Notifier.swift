import FerryCore
import FerryStore
import Foundation
import Logging

/// Where the engine says what happened: each notification a target wants goes into the store's
/// outbox (folded into a pending one like it), and `NotificationService` delivers it. Emitting
/// is one insert and never fails its caller: a job or a webhook answer is never slowed or
/// broken by a notification target.
struct Notifier: Sendable {
    let settings: NotificationSettings
    let database: FerryDatabase
    let now: @Sendable () -> Date
    let logger: Logger
    /// Wakes the delivery service.
    let wake: @Sendable () -> Void

    /// `key` folds notifications of one thing (a workload, a binding) together while they wait.
    func emit(_ event: NotificationEvent, workload: String?, key: String? = nil, subject: String, text: String) {
        guard !settings.targets.isEmpty else { return }
        let notify = workload.flatMap { name in (try? database.workload(name))??.spec.notify }
        if notify?.mute == true { return }
        let targets = settings.targets.filter { target in
            if let names = notify?.targets, !names.contains(target.name) { return false }
            if let events = notify?.events { return events.contains(event) && target.wants(event, workload: workload, anyEvent: true) }
            return target.wants(event, workload: workload)
        }
        guard !targets.isEmpty else { return }
        let at = now()
        for target in targets {
            let notification = OutboxNotification(
                id: IDs.make("n", at: at), target: target.name, event: event, workload: workload, foldKey: key ?? workload ?? "",
                subject: subject, text: text, nextAttemptAt: at, createdAt: at, updatedAt: at)
            do { try database.enqueueNotification(notification) } catch {
                logger.error("notification \(event.rawValue) for \(target.name) not stored: \(error)")
            }
        }
        wake()
    }

    /// A job's end: failed or succeeded, and broken tarballs when its details count them.
    func jobFinished(_ job: Job, state: Job.State, message: String, details: JSONValue?) {
        switch state {
        case .failed:
            emit(.jobFailed, workload: job.workload, key: "\(job.workload)|\(job.action)", subject: "\(job.workload): \(job.action) failed", text: "✗ \(job.workload): \(job.action) failed: \(message)")
        case .succeeded:
            emit(.jobSucceeded, workload: job.workload, key: "\(job.workload)|\(job.action)", subject: "\(job.workload): \(job.action) succeeded", text: "✓ \(job.workload): \(job.action) succeeded: \(message)")
            if let broken = details?["broken"]?.numberValue, broken > 0 {
                emit(.tarballsBroken, workload: job.workload, subject: "\(job.workload): broken tarballs", text: "⚠ \(job.workload): \(message)")
            }
        default:
            break
        }
    }

    /// A switch of what is live.
    func deployed(_ deploy: Deploy, summary: String) {
        let event: NotificationEvent = switch deploy.kind {
        case .deploy: .deploy
        case .rollback: .rollback
        case .promote: .promotion
        }
        emit(event, workload: deploy.workload, key: "\(deploy.workload)|\(deploy.id)", subject: "\(deploy.workload): \(deploy.kind.rawValue)", text: "\(deploy.workload): \(summary)")
    }

    /// Health crossing the line between working and not: one message per change, however many
    /// failures in between.
    func health(of workload: String, from old: Health, to new: Health, reason: String) {
        let wasBad = old == .failing || old == .degraded
        let isBad = new == .failing || new == .degraded
        if !wasBad, isBad {
            emit(.workloadFailing, workload: workload, subject: "\(workload) is \(new.rawValue)", text: "✗ \(workload) is \(new.rawValue): \(reason)")
        } else if wasBad, new == .healthy {
            emit(.workloadRecovered, workload: workload, subject: "\(workload) recovered", text: "✓ \(workload) recovered: \(reason)")
        }
    }
}

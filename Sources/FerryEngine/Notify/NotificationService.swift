import FerryCore
import FerryStore
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Delivers the outbox: due notifications per target, each target on its own so a slow or dead
/// one delays nobody else; a failed attempt is retried with back-off until `attempts`, then the
/// message is `failed`. Past a target's rate limit, what waits for it goes as one digest.
public final class NotificationService: Service, Sendable {
    let settings: NotificationSettings
    let database: FerryDatabase
    let http: any HTTPFetcher
    let now: @Sendable () -> Date
    let logger: Logger
    private let signal: AsyncStream<Void>
    private let signalContinuation: AsyncStream<Void>.Continuation

    init(settings: NotificationSettings, database: FerryDatabase, http: any HTTPFetcher, now: @escaping @Sendable () -> Date, logger: Logger) {
        self.settings = settings
        self.database = database
        self.http = http
        self.now = now
        self.logger = logger
        (signal, signalContinuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    func wake() { signalContinuation.yield() }

    public func run() async throws {
        guard !settings.targets.isEmpty else {
            // Returning would end the whole ServiceGroup: wait for shutdown like the others.
            try? await gracefulShutdown()
            return
        }
        await cancelWhenGracefulShutdown { [self] in
            await withTaskGroup(of: Void.self) { group in
                // A tick, so retries come due without anyone waking the service.
                group.addTask { [self] in
                    while !Task.isCancelled {
                        try? await Task.sleep(for: .milliseconds(250))
                        wake()
                    }
                }
                group.addTask { [self] in
                    for await _ in signal {
                        if Task.isCancelled { break }
                        await pass()
                    }
                }
                await group.next()
                group.cancelAll()
            }
        }
    }

    /// One round over what is due, every target at once.
    public func pass() async {
        let due: [OutboxNotification]
        do { due = try database.dueNotifications(now: now(), limit: 500) } catch {
            logger.error("notifications: cannot read the outbox: \(error)")
            return
        }
        let byTarget = Dictionary(grouping: due, by: \.target)
        await withTaskGroup(of: Void.self) { group in
            for (name, waiting) in byTarget {
                guard let target = settings.targets.first(where: { $0.name == name }) else {
                    for n in waiting { try? database.updateNotification(n.id) { $0.state = .failed; $0.lastError = "no target \(name) in the server config" } }
                    continue
                }
                group.addTask { [self] in await deliver(waiting, to: target) }
            }
        }
    }

    private func deliver(_ waiting: [OutboxNotification], to target: NotificationSettings.Target) async {
        let at = now()
        let sent = (try? database.notificationsSent(to: target.name, since: at.addingTimeInterval(-60))) ?? 0
        let room = target.perMinute - sent
        guard room > 0 else { return }
        var batch = waiting
        if waiting.count > room {
            // The limit trips: everything waiting becomes one digest, sent now.
            let digest = Self.digest(of: waiting, target: target.name, at: at)
            do { try database.digestNotifications(waiting.map(\.id), into: digest) } catch {
                logger.error("notifications: cannot fold a digest for \(target.name): \(error)")
                return
            }
            batch = [digest]
        }
        for notification in batch { await attempt(notification, target: target) }
    }

    private func attempt(_ notification: OutboxNotification, target: NotificationSettings.Target) async {
        let at = now()
        let request = NotificationMessage(target: target, notification: notification, at: at).request(timeout: settings.timeout)
        var status: Int?
        var failure: String?
        do {
            let response = try await http.fetch(request)
            status = response.status
            if !response.isSuccess { failure = "the target answered HTTP \(response.status)" }
        } catch {
            // Transport errors can quote the URL, which for Discord and Slack is the secret.
            failure = "\(error)".replacingOccurrences(of: target.url, with: "<\(target.name) url>")
        }
        let (answered, failed) = (status, failure)
        let attempts = notification.attempts + 1
        let giveUp = attempts >= settings.attempts
        let retryAt = at.addingTimeInterval(settings.delay(afterAttempt: attempts).inSeconds)
        do {
            try database.updateNotification(notification.id) { n in
                n.attempts = attempts
                n.lastStatus = answered
                n.updatedAt = at
                if let failed {
                    n.lastError = failed
                    n.state = giveUp ? .failed : .pending
                    n.nextAttemptAt = retryAt
                } else {
                    n.lastError = nil
                    n.state = .sent
                    n.sentAt = at
                }
            }
        } catch {
            logger.error("notifications: cannot record the attempt of \(notification.id): \(error)")
        }
        if let failure {
            logger.warning("notification \(notification.id) to \(target.name): \(failure)\(giveUp ? "; given up after \(attempts) attempts" : "")")
        }
    }

    static func digest(of folded: [OutboxNotification], target: String, at: Date) -> OutboxNotification {
        var lines: [String] = []
        let counted = Dictionary(grouping: folded) { "\($0.event.rawValue)\($0.workload.map { " on \($0)" } ?? "")" }
        for (what, group) in counted.sorted(by: { $0.key < $1.key }) {
            lines.append("\(group.reduce(0) { $0 + $1.count }) × \(what): \(group.last!.text)")
        }
        let total = folded.reduce(0) { $0 + $1.count }
        return OutboxNotification(
            id: IDs.make("n", at: at), target: target, event: .digest, workload: nil, foldKey: "digest|\(IDs.make("x", at: at))",
            subject: "\(total) notifications", text: "Ferry: \(total) notifications while the rate limit held:\n" + lines.joined(separator: "\n"),
            nextAttemptAt: at, createdAt: at, updatedAt: at)
    }
}

import FerryCore
import FerryStore
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Ferry's controller, assembled: store, dispatcher, job runner, reconciler and activation,
/// behind the operations the server and CLI offer. Its services go into the application's
/// ServiceGroup; everything that changes state enqueues through `dispatcher`.
public final class Engine: Sendable {
    public struct Configuration: Sendable {
        public var dataDirectory: URL
        public var concurrency: Int
        /// Builds kept per workload: the `retain` newest, plus the live one when it is older.
        public var retain: Int
        public var reconcileInterval: Duration
        /// Host folders under which `absolute` volumes may point.
        public var allowedVolumeRoots: [String]
        /// How many times an idempotent job may be cut short by a dead server before recovery
        /// stops re-running it: a job that kills the process would otherwise kill it on every start.
        public var recoveryAttempts = 3
        /// What the retention service removes, and how often it looks.
        public var retention = RetentionPolicy()
        public var retentionInterval: Duration = .seconds(3600)
        /// Whether the retention service runs. Off, tests call `retention.pass()` themselves.
        public var runsRetention = true
        /// How often the scrub re-hashes every live build's objects, and how many bytes a second
        /// it may read doing it (the scrub runs with retention).
        public var scrubInterval: Duration = .seconds(24 * 3600)
        public var scrubBytesPerSecond: Int? = 32 << 20
        /// Whether the reconciler runs as a service. Off, passes happen only when called
        /// (`reconciler.pass()`): for maintenance, and for tests that drive each pass.
        public var runsReconciler = true
        /// Whether the watch supervisor (schedule, registry-poll, log-scan) runs as a service.
        /// Off, tests call `watchers.sync()` themselves.
        public var runsWatchers = true
        /// The clock watchers see; tests hand in a virtual one.
        public var watchClock: any WatchClock = SystemWatchClock()
        /// Base of the absolute URLs sources write (`notify-batch`, tarball URLs).
        public var publicURL = "http://127.0.0.1:8080"
        /// Outbound HTTP for sources and watchers; tests may hand in their own.
        public var http: any HTTPFetcher = UpstreamHTTP()
        /// When the data directory or an absolute volume is too full for jobs to start.
        public var disk = DiskThreshold()
        /// Where notifications go (server config `notifications:`).
        public var notifications = NotificationSettings()
        /// Host folders operator hooks may run from (`hooks.allow`); none by default.
        public var hookRoots: [String] = []

        public init(
            dataDirectory: URL, concurrency: Int = 4, retain: Int = 5, reconcileInterval: Duration = .seconds(10),
            allowedVolumeRoots: [String] = []
        ) {
            self.dataDirectory = dataDirectory
            self.concurrency = concurrency
            self.retain = retain
            self.reconcileInterval = reconcileInterval
            self.allowedVolumeRoots = allowedVolumeRoots
        }
    }

    public let database: FerryDatabase
    public let registry: PluginRegistry
    public let paths: FerryPaths
    public let dispatcher: Dispatcher
    public let runner: JobRunner
    public let reconciler: Reconciler
    public let retention: RetentionService
    /// Re-hashes live builds' objects in the background.
    public let scrubber: ObjectScrubber
    /// One task per watched binding (schedule, registry-poll, log-scan).
    public let watchers: WatchSupervisor
    public let activator: BuildActivator
    /// Seals and opens secret env values; its key comes from FERRY_SECRET_KEY or `<data>/secret.key`.
    public let secrets: SecretBox
    /// Tokens, users and sessions.
    public let access: AccessControl
    let validator: WorkloadValidator
    /// Outbound HTTP shared by sources and watchers.
    public let http: any HTTPFetcher
    public let publicURL: String
    let allowedVolumeRoots: AllowedRoots
    let hookRoots: AllowedRoots
    let disk: DiskGuard
    let notifier: Notifier
    /// Delivers the notification outbox.
    public let notifications: NotificationService
    let runsReconciler: Bool
    let runsWatchers: Bool
    let runsRetention: Bool
    let now: @Sendable () -> Date
    public let logger: Logger
    /// Each workload's live build, loaded once per switch.
    public let liveBuilds: LiveBuildCache
    /// Source kind per workload name, so serving a request needs no database read; kept
    /// current by `apply` and `delete`, the only ways a workload's kind changes.
    let sourceKinds = Mutex<[String: String]>([:])
    let surfaceAccess = Mutex<[String: WorkloadAccess]>([:])
    /// Grows with every `apply` that changed a workload: answers the server kept for a surface
    /// were made under the old spec (`knownPublicLiveBuild`).
    let surfaceEpoch = Atomic<Int>(0)
    /// What each workload's surface may read, built on first request and dropped by `apply`/`delete`.
    let surfaceContexts = Mutex<[String: any SurfaceContext]>([:])

    public init(configuration: Configuration, registry: PluginRegistry, logger: Logger, now: @escaping @Sendable () -> Date = { Date() }) throws {
        let paths = FerryPaths(root: configuration.dataDirectory)
        do { try paths.prepare() } catch {
            throw FerryError(.unavailable, "cannot create the data directory \(paths.root.path): \(error)", cause: error)
        }
        do { try BuildMigration(paths: paths, logger: logger).run() } catch {
            throw FerryError(.unavailable, "cannot move the builds of \(paths.root.path) into the object store: \(error)", cause: error)
        }
        let database = try FerryDatabase(path: paths.database.path)
        let secrets = try SecretBox(paths: paths, environment: ProcessInfo.processInfo.environment)
        let activator = BuildActivator(paths: paths)
        let liveBuilds = LiveBuildCache(activator: activator, paths: paths, logger: logger)
        let lateDispatcher = Late<Dispatcher>()
        let notificationService = NotificationService(
            settings: configuration.notifications, database: database, http: configuration.http, now: now, logger: logger)
        let notifier = Notifier(
            settings: configuration.notifications, database: database, now: now, logger: logger, wake: { notificationService.wake() })
        let executor = JobExecutor(
            database: database, registry: registry, paths: paths, activator: activator, liveBuilds: liveBuilds, retain: configuration.retain,
            now: now, logger: logger, secrets: secrets, http: configuration.http,
            publicURL: String(configuration.publicURL.reversed().drop(while: { $0 == "/" }).reversed()),
            followUps: { job, requests in
                FollowUpDispatch(database: database, logger: logger).queue(requests, after: job, through: lateDispatcher.get)
            },
            disk: DiskGuard(threshold: configuration.disk, dataDirectory: paths.root), notifier: notifier,
            hooks: HookRunner(roots: AllowedRoots(configuration.hookRoots)))
        let runner = JobRunner(database: database, executor: executor, concurrency: configuration.concurrency)
        let dispatcher = Dispatcher(database: database, registry: registry, now: now, wake: { runner.wake() })
        lateDispatcher.set(dispatcher)
        self.database = database
        self.registry = registry
        self.paths = paths
        self.activator = activator
        self.liveBuilds = liveBuilds
        self.secrets = secrets
        self.access = AccessControl(database: database, now: now)
        self.runner = runner
        self.dispatcher = dispatcher
        self.reconciler = Reconciler(
            database: database, registry: registry, dispatcher: dispatcher, activator: activator, liveBuilds: liveBuilds, paths: paths,
            interval: configuration.reconcileInterval, recoveryAttempts: configuration.recoveryAttempts, now: now, logger: logger)
        self.validator = WorkloadValidator(registry: registry)
        self.http = configuration.http
        self.publicURL = String(configuration.publicURL.reversed().drop(while: { $0 == "/" }).reversed())
        self.runsReconciler = configuration.runsReconciler
        self.runsWatchers = configuration.runsWatchers
        self.runsRetention = configuration.runsRetention
        self.retention = RetentionService(
            database: database, registry: registry, paths: paths, policy: configuration.retention,
            interval: configuration.retentionInterval, now: now, logger: logger)
        self.scrubber = ObjectScrubber(
            paths: paths, liveBuilds: liveBuilds,
            workloads: { (try? database.workloads().map(\.name)) ?? [] },
            interval: configuration.scrubInterval, bytesPerSecond: configuration.scrubBytesPerSecond, logger: logger)
        self.watchers = WatchSupervisor(
            database: database, registry: registry, dispatcher: dispatcher, secrets: secrets, http: configuration.http,
            paths: paths, clock: configuration.watchClock, logger: logger)
        self.disk = DiskGuard(threshold: configuration.disk, dataDirectory: paths.root)
        self.notifier = notifier
        self.notifications = notificationService
        self.allowedVolumeRoots = AllowedRoots(configuration.allowedVolumeRoots)
        self.hookRoots = AllowedRoots(configuration.hookRoots)
        self.now = now
        self.logger = logger
    }

    /// The long-running parts, for the application's ServiceGroup, each on `BlockingExecutor`.
    public var services: [any Service] {
        let all: [any Service] = [runner, notifications] + (runsReconciler ? [reconciler] : []) + (runsWatchers ? [watchers] : []) + (runsRetention ? [retention, scrubber] : [])
        return all.map { BlockingService(inner: $0) }
    }
}

import FerryCore
import FerryEngine
import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging

/// Builds the whole Ferry application: engine, routes and services. The `serve` command and
/// the tests share this one function, so tests exercise exactly what runs in production.
public func buildApplication(
    _ config: ServerConfiguration, registry: PluginRegistry = BuiltinPlugins.registry(), logger: Logger? = nil
) throws -> (application: some ApplicationProtocol, engine: Engine) {
    let logger = logger ?? Logger(label: "ferry")
    try config.auth.check(listenHost: config.host, port: config.port)
    let tls = try config.tls?.configuration()
    var registry = registry
    registry.git = GitPolicy(fileRoots: config.gitFileRoots)
    var engineConfig = Engine.Configuration(
        dataDirectory: config.dataDirectory, concurrency: config.concurrency, retain: config.retain,
        reconcileInterval: config.reconcileInterval, allowedVolumeRoots: config.allowedVolumeRoots)
    engineConfig.runsReconciler = config.reconcile
    engineConfig.recoveryAttempts = config.recoveryAttempts
    engineConfig.retention = config.retention
    engineConfig.publicURL = config.baseURL
    engineConfig.disk = config.disk
    engineConfig.notifications = config.notifications
    engineConfig.hookRoots = config.hookRoots
    let engine = try Engine(configuration: engineConfig, registry: registry, logger: logger)

    let answers = SurfaceAnswers(engine: engine)
    let router = try buildRouter(config, engine: engine, logger: logger, answers: answers)
    let limits = config.limits
    // Repeated surface GETs are answered on the event loop, before Hummingbird's router.
    let http1 = HTTPServerBuilder.http1(configuration: .init(additionalChannelHandlers: [SurfaceFastPath(answers: answers)]))
    var app = Application(
        router: router,
        server: try tls.map { try .tls(http1, tlsConfiguration: $0) } ?? http1,
        configuration: .init(address: .hostname(config.host, port: config.port), serverName: ServerConfiguration.serverName),
        services: engine.services,
        logger: logger)
    let files = config.apply
    // The runner starts with the other services; it claims nothing until recovery is done.
    engine.runner.hold()
    app.beforeServerStarts {
        defer { engine.runner.release() }
        try engine.reconciler.recover()
        await engine.republishLiveBuilds()
        for file in files { try applyFile(file, engine: engine, limits: limits, logger: logger) }
    }
    return (app, engine)
}

/// Every route of the server on one router: the API, hooks, metrics, surfaces and the UI.
/// Public so a test can hold the router's route list against the OpenAPI document.
public func buildRouter(_ config: ServerConfiguration, engine: Engine, logger: Logger) throws -> Router<FerryRequestContext> {
    try buildRouter(config, engine: engine, logger: logger, answers: SurfaceAnswers(engine: engine))
}

func buildRouter(_ config: ServerConfiguration, engine: Engine, logger: Logger, answers: SurfaceAnswers) throws -> Router<FerryRequestContext> {
    let router = Router(context: FerryRequestContext.self)
    router.add(middleware: BlockingExecutorMiddleware())
    router.add(middleware: SecurityHeadersMiddleware(surfaceMounts: Set(engine.registry.sources.values.map { type(of: $0).mount })))
    router.add(middleware: ErrorMiddleware())
    router.add(middleware: HostCheckMiddleware(config))
    router.add(middleware: APIContentTypeMiddleware())
    router.add(middleware: AuthMiddleware(engine: engine, config: config.auth))
    let limits = config.limits
    let ingress = HookIngress(capacity: limits.hookQueue)
    SystemController(engine: engine, limits: limits, ingress: ingress, answers: answers).register(on: router)
    WorkloadController(engine: engine, limits: limits).register(on: router)
    JobController(engine: engine, limits: limits).register(on: router)
    DeployController(engine: engine, limits: limits).register(on: router)
    EnvController(engine: engine, limits: limits).register(on: router)
    SurfaceController(engine: engine, limits: limits, answers: answers).register(on: router)
    BindingController(engine: engine, limits: limits, baseURL: config.baseURL).register(on: router)
    HookController(engine: engine, limits: limits, ingress: ingress).register(on: router)
    ArtifactController(engine: engine).register(on: router)
    NotificationController(engine: engine, limits: limits).register(on: router)
    ListingController(engine: engine, limits: limits).register(on: router)
    AccessController(engine: engine, limits: limits).register(on: router)
    SignInController(engine: engine, limits: limits, secureCookies: config.isHTTPS, sessionLifetime: config.auth.sessionLifetime.inSeconds).register(on: router)
    OpenAPIController(engine: engine, baseURL: config.baseURL).register(on: router)
    try UIController(engine: engine, configuration: config, logger: logger)?.register(on: router)
    return router
}

/// Applies a workload file at start-up (`apply:` in the server config).
func applyFile(_ file: String, engine: Engine, limits: ServerLimits = ServerLimits(), logger: Logger) throws {
    // Checked before reading, so a huge file is refused without being loaded.
    if let size = (try? FileManager.default.attributesOfItem(atPath: file))?[.size] as? Int, size > limits.apiBody {
        throw FerryError(.payloadTooLarge, "\(file): the file is larger than \(ByteCount.text(limits.apiBody)) (limits.apiBody)")
    }
    guard let data = FileManager.default.contents(atPath: file) else {
        throw FerryError(.invalidInput, "\(file): cannot read the workload file")
    }
    for document in try WorkloadFile.parse(String(decoding: data, as: UTF8.self), fileName: file, limits: limits.documents) {
        do {
            let (workload, result) = try engine.apply(document.value)
            logger.info("\(file): workload \(workload.name) \(result.rawValue)")
        } catch let error as FerryError {
            throw FerryError(error.code, "\(file): \(error.message)", field: error.field)
        }
    }
}

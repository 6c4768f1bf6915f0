import FerryCore
import FerryEngine
import Foundation

/// `ferry serve`'s settings: from `--config FILE` (YAML, every key optional), then flags.
public struct ServerConfiguration: Sendable {
    /// The `Server` header of every answer.
    static let serverName = "ferry"

    public var host = "127.0.0.1"
    public var port = 8080
    public var dataDirectory = URL(fileURLWithPath: "data")
    /// Base of absolute URLs Ferry writes; defaults to http://<listen>.
    public var publicURL: String?
    /// More Host names the server answers besides localhost, the listen host and publicURL's host
    /// (`hosts:`); any other Host is refused, against DNS rebinding.
    public var hosts: [String] = []
    /// Serve HTTPS directly (`tls: {cert, key}`); nil serves plain HTTP, e.g. behind a proxy.
    public var tls: ServerTLS?
    public var allowedVolumeRoots: [String] = []
    /// Host folders under which `file://` git repositories may sit (`git.fileRoots`), made
    /// absolute against the working directory; none by default, so local repositories are refused.
    public var gitFileRoots: [String] = []
    /// Host folders operator hooks (`hooks:` of a workload) may run from; none by default.
    public var hookRoots: [String] = []
    public var concurrency = 4
    public var retain = 5
    /// Crashes an idempotent job may cause before recovery stops re-running it (`jobs.recoveryAttempts`).
    public var recoveryAttempts = 3
    /// What the retention service removes (`retention:`); defaults in `RetentionPolicy`.
    public var retention = RetentionPolicy()
    public var reconcileInterval: Duration = .seconds(10)
    /// `false` stops the reconcile loop (passes then run only on demand).
    public var reconcile = true
    /// Workload files applied at start-up (idempotent), e.g. the examples `make run` serves.
    public var apply: [String] = []
    /// The web UI's folder (templates, static files, message catalogues); relative paths are
    /// looked up in the working directory, then beside the executable.
    public var webDirectory = "web"
    /// How `ferry serve` writes its log: text lines, or JSON lines for log shippers.
    public var logFormat = "text"
    /// Jobs do not start while the data directory or an absolute volume is fuller than this.
    public var disk = DiskThreshold()
    /// Where notifications go.
    public var notifications = NotificationSettings()
    public var logLevel = "info"
    /// Bounds on request bodies, documents, listings and webhook intake (`limits:`).
    public var limits = ServerLimits()
    /// Who may do what (`auth:`): tokens by default.
    public var auth = AuthConfiguration()

    public init() {}

    public var baseURL: String { publicURL ?? "\(tls == nil ? "http" : "https")://\(host):\(port)" }

    /// Browsers reach this server over https (itself or through a proxy), so cookies can be Secure.
    public var isHTTPS: Bool { tls != nil || baseURL.lowercased().hasPrefix("https://") }

    static let schema = ConfigSchema.object([
        .init("listen", .string("HOST:PORT to listen on", default: "127.0.0.1:8080", pattern: "^[^:]+:[0-9]{1,5}$")),
        .init("data", .string("data directory", default: "./data")),
        .init("publicURL", .string("base of absolute URLs Ferry writes", format: .url)),
        .init("hosts", .array(.string(), "more Host names to answer besides localhost, the listen host and publicURL's host")),
        .init("tls", ServerTLS.schema),
        .init("volumes", .object([.init("allow", .array(.string(), "host paths `absolute` volumes may point under"))])),
        .init("git", .object([.init("fileRoots", .array(.string(), "host folders file:// git repositories may sit under (default: none)"))])),
        .init("hooks", .object([.init("allow", .array(.string(), "host folders operator hooks may run from (default: none, so hooks are refused)"))])),
        .init("jobs", .object([
            .init("concurrency", .integer("jobs run at once across workloads", default: 4, minimum: 1, maximum: 64)),
            .init("retain", .integer("builds kept per workload (the newest ones, plus the live one if older)", default: 5, minimum: 1, maximum: 1000)),
            .init("recoveryAttempts", .integer("times a job may be cut short by a crash before it is not re-run", default: 3, minimum: 1, maximum: 100)),
        ])),
        .init("retention", .object(RetentionPolicy.kinds.map { kind in
            .init(kind, .object([
                .init("maxAge", .string("remove what is older than this", format: .duration)),
                .init("keep", .integer("keep at most this many, the newest", minimum: 0, maximum: 1_000_000)),
            ]))
        })),
        .init("reconcileInterval", .string("time between reconcile passes", default: "10s", format: .duration)),
        .init("reconcile", .boolean("run the reconcile loop; off, nothing is deployed or repaired on its own", default: true)),
        .init("apply", .array(.string(), "workload files applied at start-up")),
        .init("web", .string("folder of the web UI's templates, static files and message catalogues", default: "./web")),
        .init("limits", ServerLimits.schema),
        .init("auth", AuthConfiguration.schema),
        .init("disk", .object([
            .init("minFreePercent", .number("jobs that write do not start below this share of free space (or minFreeBytes, whichever is smaller)", default: 5, minimum: 0, maximum: 100)),
            .init("minFreeBytes", .integer("jobs that write do not start below this many free bytes (or minFreePercent, whichever is smaller)", default: 1 << 30, minimum: 0, maximum: Int(Int64.max / 2))),
        ])),
        .init("notifications", NotificationConfig.schema),
        .init("logFormat", .string("how the server writes its log to stderr: text lines, or one JSON object per line", default: "text", enum: ["text", "json"])),
        .init("logLevel", .string("the least severe log level written", default: "info", enum: ["trace", "debug", "info", "notice", "warning", "error", "critical"])),
    ])

    /// Reads a config file; errors name the file and the field.
    public static func load(file: String) throws -> ServerConfiguration {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw FerryError(.invalidInput, "\(file): cannot read the config file")
        }
        guard let document = try WorkloadFile.parse(String(decoding: data, as: UTF8.self), fileName: file).first?.value else {
            return ServerConfiguration()
        }
        let value: JSONValue
        do { value = try SchemaValidator().validated(document, against: schema, at: "config") } catch let error as FerryError {
            throw FerryError(.invalidInput, "\(file): \(error.message)", field: error.field)
        }
        var config = ServerConfiguration()
        if let listen = value["listen"]?.stringValue { try config.setListen(listen) }
        if let dataDir = value["data"]?.stringValue { config.dataDirectory = URL(fileURLWithPath: dataDir) }
        config.publicURL = value["publicURL"]?.stringValue
        if case .array(let names)? = value["hosts"] { config.hosts = names.compactMap(\.stringValue) }
        config.tls = ServerTLS.read(value["tls"])
        if case .array(let roots)? = value["volumes"]?["allow"] { config.allowedVolumeRoots = roots.compactMap(\.stringValue) }
        if case .array(let roots)? = value["hooks"]?["allow"] { config.hookRoots = roots.compactMap(\.stringValue) }
        if case .array(let roots)? = value["git"]?["fileRoots"] {
            config.gitFileRoots = roots.compactMap(\.stringValue).map { URL(fileURLWithPath: $0).standardizedFileURL.path }
        }
        do {
            if let n = try value.integerIfPresent(at: "jobs.concurrency", in: 1...64) { config.concurrency = n }
            if let n = try value.integerIfPresent(at: "jobs.retain", in: 1...1000) { config.retain = n }
            if let n = try value.integerIfPresent(at: "jobs.recoveryAttempts", in: 1...100) { config.recoveryAttempts = n }
            config.retention = try RetentionPolicy(json: value["retention"])
            config.limits = try ServerLimits.read(value["limits"])
            config.auth = try AuthConfiguration.read(value["auth"])
            if let n = try value.integerIfPresent(at: "disk.minFreeBytes", in: 0...Int(Int64.max / 2)) { config.disk.minFreeBytes = n }
            if case .number(let percent)? = value["disk"]?["minFreePercent"] { config.disk.minFreePercent = percent }
            config.notifications = try NotificationConfig.read(value["notifications"], environment: ProcessInfo.processInfo.environment)
        } catch {
            throw FerryError(.invalidInput, "\(file): \(error.message)", field: error.field)
        }
        if let interval = value["reconcileInterval"]?.stringValue, let d = Duration.parse(interval) { config.reconcileInterval = d }
        if case .bool(let on)? = value["reconcile"] { config.reconcile = on }
        if case .array(let files)? = value["apply"] { config.apply = files.compactMap(\.stringValue) }
        if let web = value["web"]?.stringValue { config.webDirectory = web }
        if let format = value["logFormat"]?.stringValue { config.logFormat = format }
        if let level = value["logLevel"]?.stringValue { config.logLevel = level }
        return config
    }

    public mutating func setListen(_ listen: String) throws {
        let parts = listen.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count >= 2, let port = Int(parts.last!), (0...65535).contains(port) else {
            throw FerryError.invalid("listen", "expected HOST:PORT, got \"\(listen)\"")
        }
        host = parts.dropLast().joined(separator: ":")
        self.port = port
    }
}

import FerryCore
import Foundation
import FuzzDriver

/// The config schema validator with one fixed schema that uses every feature (patterns,
/// formats, bounds, enums, defaults, nested objects, arrays and maps) on fuzzed JSON, as any
/// config or parameter set reaches it from the API, the CLI or a workload file.
private let schema = ConfigSchema.object(
    [
        .init("name", .string("a DNS label", pattern: "^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")),
        .init("url", .string("upstream", default: "https://registry.npmjs.org", format: .url)),
        .init("every", .string("interval", default: "5m", format: .duration)),
        .init("cron", .string("schedule", format: .cron)),
        .init("secret", .string("token", format: .secret)),
        .init("policy", .string("policy", default: "all", enum: ["all", "tagged", "new-and-tagged"])),
        .init("concurrency", .integer("at once", default: 4, minimum: 1, maximum: 64)),
        .init("ratio", ConfigSchema(type: .number, minimum: 0, maximum: 1)),
        .init("enabled", .boolean("on", default: true)),
        .init("branches", .array(.string(), "globs")),
        .init("env", .map(.string(), "variables")),
        .init("nested", .object(
            [
                .init("limit", .integer(default: 10, minimum: 0)),
                .init("rules", .array(.object([.init("pattern", .string()), .init("maxRetry", .integer(minimum: 0))], required: ["pattern"]))),
                .init("deeper", .object([.init("when", .string(format: .cron)), .init("wait", .string(default: "30s", format: .duration))])),
            ], required: ["limit"])),
    ],
    required: ["name"])

/// The process entry point SwiftPM links as `main`; hands over to libFuzzer.
@_cdecl("SchemaFuzz_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    ferry_fuzz_main(argc, argv)
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Data(bytes: data, count: size)
    guard let value = try? JSONDecoder().decode(JSONValue.self, from: bytes) else { return 0 }
    let validator = SchemaValidator()
    let issues = validator.issues(value, against: schema, at: "config")
    let validated = try? validator.validated(value, against: schema, at: "config")
    if issues.isEmpty != (validated != nil) { fatalError("issues() and validated() disagree on \(value)") }
    // Filling in defaults never makes a valid config invalid.
    if let validated, !validator.issues(validated, against: schema, at: "config").isEmpty {
        fatalError("defaults made a valid config invalid")
    }
    _ = validator.applyingDefaults(value, schema)
    if case .string(let text) = value { _ = Duration.parse(text) }
    return 0
}

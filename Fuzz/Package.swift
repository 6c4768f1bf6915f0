// swift-tools-version:6.1
import PackageDescription

/// libFuzzer harnesses for Ferry's parsers: one executable per parser, each exporting
/// `LLVMFuzzerTestOneInput`. A package of its own (depending on Ferry by path) so that the
/// sanitizer build has its own build folder and only the parsers' modules get built.
/// Built and run by Fuzz/run.sh (`make fuzz`, `make fuzz-short`); see docs/CODEMAPS/Fuzz.md.
let harnesses: [(name: String, products: [String])] = [
    ("WebhookFuzz", ["GitPushTrigger", "FerryCore"]),
    ("GlobFuzz", ["GitPushTrigger"]),
    ("ComposerJSONFuzz", ["ComposerRepoSource", "FerryCore"]),
    ("PackumentFuzz", ["NpmMirrorSource", "FerryCore"]),
    ("DiffArchiveFuzz", ["NpmMirrorSource", "FerryCore"]),
    ("TarballFuzz", ["NpmMirrorSource"]),
    ("WorkloadFileFuzz", ["FerryCore", "GitPushTrigger", "LogScanTrigger", "ScheduleTrigger", "RegistryPollTrigger", "ManualTrigger", "NpmMirrorSource", "ComposerRepoSource"]),
    ("SchemaFuzz", ["FerryCore"]),
    ("JSONFuzz", ["FerryCore"]),
    ("CronFuzz", ["FerryCore"]),
    ("SemverFuzz", ["FerryCore"]),
    ("LogTimestampFuzz", ["LogScanTrigger"]),
]

let package = Package(
    name: "FerryFuzz",
    platforms: [.macOS(.v14)],
    dependencies: [.package(name: "Ferry", path: "..")],
    targets: [.target(name: "FuzzDriver")] + harnesses.map { harness in
        .executableTarget(
            name: harness.name,
            dependencies: ["FuzzDriver"] + harness.products.map { .product(name: $0, package: "Ferry") },
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]
        )
    }
)

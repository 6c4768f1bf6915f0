// swift-tools-version:6.1
import PackageDescription

/// Swift 6 language mode everywhere; `ExistentialAny` keeps protocol-typed values visible as such.
let strict: [SwiftSetting] = [.enableUpcomingFeature("ExistentialAny")]

let package = Package(
    name: "Ferry",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "ferry", targets: ["ferry"]),
        // The parsers' modules, for the libFuzzer harnesses in Fuzz/ (a package of its own that
        // depends on this one by path, so its sanitizer build never touches .build).
        .library(name: "FerryCore", targets: ["FerryCore"]),
        .library(name: "GitPushTrigger", targets: ["GitPushTrigger"]),
        .library(name: "LogScanTrigger", targets: ["LogScanTrigger"]),
        .library(name: "ScheduleTrigger", targets: ["ScheduleTrigger"]),
        .library(name: "RegistryPollTrigger", targets: ["RegistryPollTrigger"]),
        .library(name: "ManualTrigger", targets: ["ManualTrigger"]),
        .library(name: "NpmMirrorSource", targets: ["NpmMirrorSource"]),
        .library(name: "ComposerRepoSource", targets: ["ComposerRepoSource"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", "4.0.0"..<"5.0.0"),
        .package(url: "https://github.com/JohnSundell/Ink.git", from: "0.6.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
    ],
    targets: [
        .target(
            name: "FerryCore",
            dependencies: [.product(name: "Yams", package: "Yams")],
            swiftSettings: strict
        ),
        .target(
            name: "FerryStore",
            dependencies: ["FerryCore", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strict
        ),
        .target(
            name: "FerryEngine",
            dependencies: [
                "FerryCore", "FerryStore", "CSpawn",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "StaticSiteSource",
            dependencies: [
                "FerryCore",
                .product(name: "Ink", package: "Ink"),
            ],
            path: "Plugins/Sources/StaticSite",
            swiftSettings: strict
        ),
        // glibc's posix_spawn extensions for `ChildProcess` (Foundation's `Process` is not used).
        .target(name: "CSpawn", path: "Sources/CSpawn"),
        .systemLibrary(
            name: "CZlib",
            path: "Sources/CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        .systemLibrary(
            name: "CArchive",
            path: "Sources/CArchive",
            pkgConfig: "libarchive",
            providers: [.apt(["libarchive-dev"])]
        ),
        .target(
            name: "NpmMirrorSource",
            dependencies: ["FerryCore", "CArchive", .product(name: "Crypto", package: "swift-crypto")],
            path: "Plugins/Sources/NpmMirror",
            swiftSettings: strict
        ),
        .target(
            name: "ComposerRepoSource",
            dependencies: ["FerryCore", .product(name: "Crypto", package: "swift-crypto")],
            path: "Plugins/Sources/ComposerRepo",
            swiftSettings: strict
        ),
        .target(
            name: "ScheduleTrigger",
            dependencies: ["FerryCore"],
            path: "Plugins/Triggers/Schedule",
            swiftSettings: strict
        ),
        .target(
            name: "RegistryPollTrigger",
            dependencies: ["FerryCore"],
            path: "Plugins/Triggers/RegistryPoll",
            swiftSettings: strict
        ),
        .target(
            name: "LogScanTrigger",
            dependencies: ["FerryCore"],
            path: "Plugins/Triggers/LogScan",
            swiftSettings: strict
        ),
        .target(
            name: "ManualTrigger",
            dependencies: ["FerryCore"],
            path: "Plugins/Triggers/Manual",
            swiftSettings: strict
        ),
        .target(
            name: "GitPushTrigger",
            dependencies: ["FerryCore", .product(name: "Crypto", package: "swift-crypto")],
            path: "Plugins/Triggers/GitPush",
            swiftSettings: strict
        ),
        .target(
            name: "FerryServer",
            dependencies: [
                "FerryCore", "FerryStore", "FerryEngine", "StaticSiteSource", "ManualTrigger", "GitPushTrigger",
                "NpmMirrorSource", "ComposerRepoSource", "ScheduleTrigger", "RegistryPollTrigger", "LogScanTrigger", "CZlib",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "ferry",
            dependencies: [
                "FerryCore", "FerryStore", "FerryEngine", "FerryServer", "NpmMirrorSource",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: strict
        ),
        .testTarget(name: "FerryCoreTests", dependencies: ["FerryCore"], swiftSettings: strict),
        .testTarget(name: "FerryStoreTests", dependencies: ["FerryStore", .product(name: "GRDB", package: "GRDB.swift")], swiftSettings: strict),
        .testTarget(name: "FerryEngineTests", dependencies: ["FerryEngine", "StaticSiteSource", "ManualTrigger"], swiftSettings: strict),
        .target(name: "FerryTestSupport", dependencies: ["FerryEngine"], path: "Tests/FerryTestSupport", swiftSettings: strict),
        .target(
            name: "PluginTestKit",
            dependencies: ["FerryCore", "FerryEngine", .product(name: "Crypto", package: "swift-crypto")],
            path: "Tests/PluginTestKit",
            swiftSettings: strict
        ),
        .testTarget(
            name: "FerryServerTests",
            dependencies: [
                "FerryServer", "FerryTestSupport", "PluginTestKit",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            resources: [.copy("Fixtures")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "StaticSiteTests",
            dependencies: ["StaticSiteSource", "PluginTestKit", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "NpmMirrorTests",
            dependencies: [
                "NpmMirrorSource", "PluginTestKit", "FerryTestSupport", "FerryServer", .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"), .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            resources: [.copy("Fixtures")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ComposerRepoTests",
            dependencies: [
                "ComposerRepoSource", "PluginTestKit", "FerryTestSupport", "FerryServer", .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"), .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            resources: [.copy("Fixtures")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ScheduleTriggerTests",
            dependencies: ["ScheduleTrigger", "PluginTestKit", "FerryEngine", "FerryStore", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict
        ),
        .testTarget(name: "RegistryPollTriggerTests", dependencies: ["RegistryPollTrigger", "PluginTestKit", "FerryTestSupport"], swiftSettings: strict),
        .testTarget(name: "LogScanTriggerTests", dependencies: ["LogScanTrigger", "PluginTestKit", "FerryTestSupport"], swiftSettings: strict),
        .testTarget(name: "ManualTriggerTests", dependencies: ["ManualTrigger"], swiftSettings: strict),
        .testTarget(
            name: "GitPushTriggerTests",
            dependencies: ["GitPushTrigger", "FerryCore", .product(name: "Crypto", package: "swift-crypto")],
            resources: [.copy("Fixtures")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "FerryCLITests",
            dependencies: ["ferry", "FerryEngine", "FerryCore", "FerryTestSupport", "NpmMirrorSource"],
            swiftSettings: strict
        ),
    ]
)

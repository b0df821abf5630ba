// swift-tools-version:6.2
import PackageDescription

// CI (scripts/test.sh) sets COMET_WARNINGS_AS_ERRORS=1: Comet's own targets then fail on any warning, while
// dependencies are untouched (SwiftPM ignores warning settings of remote packages).
let warningsAsErrors: [SwiftSetting] =
    Context.environment["COMET_WARNINGS_AS_ERRORS"] == "1" ? [.treatAllWarnings(as: .error)] : []

let settings: [SwiftSetting] =
    [
        .enableUpcomingFeature("ExistentialAny"),
        .enableUpcomingFeature("InternalImportsByDefault"),
        .enableUpcomingFeature("MemberImportVisibility"),
    ] + warningsAsErrors

func comet(_ name: String, _ deps: [Target.Dependency]) -> Target {
    .target(name: name, dependencies: deps, swiftSettings: settings)
}
func tests(_ name: String, _ deps: [Target.Dependency]) -> Target {
    .testTarget(name: name, dependencies: deps, swiftSettings: settings)
}
func product(_ name: String, _ package: String) -> Target.Dependency { .product(name: name, package: package) }

let nioCore = product("NIOCore", "swift-nio")
let nioPosix = product("NIOPosix", "swift-nio")
let logging = product("Logging", "swift-log")
let lifecycle = product("ServiceLifecycle", "swift-service-lifecycle")
let inMemoryLogging = product("InMemoryLogging", "swift-log")
let crypto = product("Crypto", "swift-crypto")
let nioSSL = product("NIOSSL", "swift-nio-ssl")
let yams = product("Yams", "Yams")
let coreMetrics = product("CoreMetrics", "swift-metrics")
let prometheus = product("Prometheus", "swift-prometheus")

let package = Package(
    name: "comet",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "comet", targets: ["comet"]),
        .library(name: "CometClient", targets: ["CometClient"]),
        // In-process name server + broker for users' tests (`withEmbeddedBroker`).
        .library(name: "CometTesting", targets: ["CometTesting"]),
        // For the separate Benchmarks/ package only (it joins this package's name to use `package` APIs).
        .library(name: "CometInternals", targets: ["CometCore", "CometProtocol", "CometStore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.0"),
        .package(url: "https://github.com/adam-fowler/compress-nio.git", from: "1.5.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift.git", from: "0.2.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.0"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.0"),
        .package(url: "https://github.com/grpc/grpc-swift-2.git", from: "2.4.0"),
        .package(url: "https://github.com/grpc/grpc-swift-nio-transport.git", from: "2.9.0"),
        .package(url: "https://github.com/grpc/grpc-swift-protobuf.git", from: "2.4.0"),
        .package(url: "https://github.com/apple/swift-protobuf.git", from: "1.39.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.0"),
        // No traits: swift-configuration support is not used.
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.0", traits: []),
    ],
    targets: [
        // Layer 0: value types, codes, errors.
        comet("CometCore", [nioCore, logging]),
        // Layer 1: wire format (NIOCore only) and storage (no networking).
        comet("CometProtocol", ["CometCore", nioCore, crypto]),
        comet("CometStore", ["CometCore", nioCore, nioPosix, logging, lifecycle]),
        // Layer 2: TCP transport.
        comet("CometRemoting", ["CometCore", "CometProtocol", nioCore, nioPosix, nioSSL, logging, lifecycle]),
        // Layer 3: server roles.
        comet("CometNameServer", ["CometCore", "CometProtocol", "CometRemoting", nioCore, logging, lifecycle]),
        comet(
            "CometBroker",
            [
                "CometCore", "CometProtocol", "CometRemoting", "CometStore", nioCore, nioPosix, logging, lifecycle,
                product("CompressNIO", "compress-nio"), yams, coreMetrics,
            ]),
        comet(
            "CometClient",
            [
                "CometCore", "CometProtocol", "CometRemoting", nioCore, nioPosix, logging, lifecycle,
                product("CompressNIO", "compress-nio"),
            ]),
        comet("CometAdmin", ["CometCore", "CometProtocol", "CometClient"]),
        comet("CometTesting", ["CometCore", "CometNameServer", "CometBroker", "CometStore", "CometClient", nioCore, logging]),
        // Layer 4: connectors (`comet tail`, sinks, sources) over the Swift client.
        comet("CometConnect", ["CometClient", "CometCore", nioCore, nioPosix, nioSSL, logging, product("PostgresNIO", "postgres-nio")]),
        // Layer 1 (generated, committed): apache.rocketmq.v2 messages and service stubs.
        comet(
            "CometGRPCStubs",
            [product("GRPCCore", "grpc-swift-2"), product("GRPCProtobuf", "grpc-swift-protobuf"),
             product("SwiftProtobuf", "swift-protobuf")]),
        // Layer 4: the RocketMQ 5.x gRPC endpoint over the broker's in-process facade.
        comet(
            "CometGRPC",
            ["CometCore", "CometProtocol", "CometBroker", "CometGRPCStubs", nioCore, logging, lifecycle,
             product("GRPCCore", "grpc-swift-2"), product("GRPCProtobuf", "grpc-swift-protobuf"),
             product("SwiftProtobuf", "swift-protobuf"), product("GRPCNIOTransportHTTP2Posix", "grpc-swift-nio-transport")]),
        // Layer 5: the HTTP endpoint (/metrics, /healthz, /readyz, /api, dashboard) over CometAdmin.
        // The dashboard's files are compiled into the binary (nothing to install).
        .target(
            name: "CometHTTP",
            dependencies: [
                "CometCore", "CometAdmin", "CometClient", nioCore, logging, lifecycle, prometheus,
                product("Hummingbird", "hummingbird"), product("CompressNIO", "compress-nio"),
            ],
            resources: [.embedInCode("Dashboard")], swiftSettings: settings),
        // Composition root and the executable.
        comet(
            "CometCLI",
            [
                "CometCore", "CometProtocol", "CometRemoting", "CometNameServer", "CometBroker", "CometStore", "CometClient",
                "CometAdmin", "CometBench", "CometCommandSupport", "CometConnect", "CometGRPC", "CometHTTP", nioCore, nioPosix,
                logging, lifecycle, coreMetrics, prometheus,
                product("UnixSignals", "swift-service-lifecycle"),
                product("ArgumentParser", "swift-argument-parser"),
            ]),
        .executableTarget(name: "comet", dependencies: ["CometCLI"], swiftSettings: settings),
        // Option groups shared by the command targets.
        comet("CometCommandSupport", ["CometClient", logging, product("ArgumentParser", "swift-argument-parser")]),
        // `comet bench ...`: load generators and micro-benchmarks, kept out of the production commands.
        comet(
            "CometBench",
            [
                "CometCore", "CometBroker", "CometStore", "CometClient", "CometCommandSupport", "CometTestSupport",
                "CometGRPCStubs", product("GRPCCore", "grpc-swift-2"),
                product("GRPCNIOTransportHTTP2Posix", "grpc-swift-nio-transport"),
                product("SwiftProtobuf", "swift-protobuf"),
                nioCore, logging, product("Histogram", "hdrhistogram-swift"),
                product("ArgumentParser", "swift-argument-parser"),
            ]),
        comet(
            "CometTestSupport",
            [
                "CometCore", "CometProtocol", "CometRemoting", "CometStore", "CometNameServer", "CometBroker",
                "CometTesting", nioCore, nioPosix, logging, product("NIOEmbedded", "swift-nio"), inMemoryLogging,
            ]),
        // Child processes tests spawn (the store's SIGKILL crash test); never part of the release binary.
        .executableTarget(
            name: "CometTestHelper",
            dependencies: ["CometCore", "CometStore", nioCore, product("ArgumentParser", "swift-argument-parser")],
            swiftSettings: settings),

        tests(
            "CometProtocolTests",
            ["CometCore", "CometProtocol", nioCore, product("NIOEmbedded", "swift-nio"),
             product("NIOTestUtils", "swift-nio"), product("PropertyBased", "swift-property-based")]),
        tests(
            "CometRemotingTests",
            ["CometCore", "CometProtocol", "CometRemoting", "CometTestSupport", nioCore,
             product("NIOEmbedded", "swift-nio")]),
        tests("CometStoreTests", ["CometCore", "CometStore", "CometTestSupport", nioCore]),
        tests("CometClientTests", ["CometClient", "CometCore", "CometProtocol", nioCore]),
        tests(
            "CometBrokerTests",
            [
                "CometCore", "CometProtocol", "CometRemoting", "CometBroker", "CometStore", "CometTestSupport", nioCore,
                logging, inMemoryLogging, coreMetrics,
            ]),
        tests(
            "CometNameServerTests",
            ["CometCore", "CometProtocol", "CometNameServer", "CometTestSupport", nioCore, inMemoryLogging]),
        tests("CometConnectTests", ["CometConnect", "CometClient", logging]),
        // Real loopback sockets and child processes; run by filter in scripts/test.sh.
        tests(
            "CometIntegrationTests",
            ["CometCore", "CometProtocol", "CometRemoting", "CometNameServer", "CometBroker", "CometStore",
             "CometClient", "CometAdmin", "CometTestSupport", "CometTesting", nioCore, nioPosix, logging,
             inMemoryLogging]),
    ]
)

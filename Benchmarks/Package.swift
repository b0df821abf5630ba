// swift-tools-version:6.2
// Benchmarks for Comet's per-message operations (header decode/encode, message encode, ...), run with
// `swift package benchmark` from this folder; scripts/check-benchmarks.sh checks the committed malloc
// thresholds. A separate package so the root package never builds the benchmark tooling.
import Foundation
import PackageDescription

// Comet's APIs are `package`-scoped. SwiftPM names a path dependency's package after its folder, so the
// benchmarks join that package name to see them (benchmarks only; never shipped).
let cometFolder = URL(fileURLWithPath: Context.packageDirectory).deletingLastPathComponent().lastPathComponent
let cometPackageName = String(cometFolder.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "_" })

let package = Package(
    name: "CometBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark.git", from: "1.38.1", traits: ["MallocInterposer"]),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.0"),
    ],
    targets: [
        .executableTarget(
            name: "ProtocolBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "CometInternals", package: cometFolder),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            path: "Benchmarks/ProtocolBenchmarks",
            // Without SwiftPM's own package name, the flag below is the only one.
            packageAccess: false,
            swiftSettings: [.unsafeFlags(["-package-name", cometPackageName])],
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        )
    ]
)

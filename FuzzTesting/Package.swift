// swift-tools-version:6.2
// libFuzzer targets for Comet's decoders of untrusted bytes (issue 11). A separate package, like
// swift-nio-http2's FuzzTesting, so `swift test` never builds it. The Comet targets under test are
// symlinks to the main package's sources (their `package` API is visible inside this package).
//
// Build and run: FuzzTesting/fuzz.sh (or see README.md).
import PackageDescription

let settings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("MemberImportVisibility"),
]
let nioCore = Target.Dependency.product(name: "NIOCore", package: "swift-nio")
let logging = Target.Dependency.product(name: "Logging", package: "swift-log")

func fuzzTarget(_ name: String, _ deps: [Target.Dependency]) -> Target {
    .executableTarget(name: name, dependencies: ["FuzzDriver"] + deps, swiftSettings: settings)
}

let package = Package(
    name: "CometFuzzTesting",
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.0"),
    ],
    targets: [
        .target(name: "CometCore", dependencies: [nioCore, logging], swiftSettings: settings),
        // ACL request signing (swift-crypto) is not under test; leaving it out keeps the build small.
        .target(
            name: "CometProtocol", dependencies: ["CometCore", nioCore], exclude: ["ACL"], swiftSettings: settings),
        .target(name: "CometFilter", dependencies: ["CometCore"], swiftSettings: settings),
        .target(name: "FuzzDriver", swiftSettings: settings + [.enableExperimentalFeature("Extern")]),
        fuzzTarget("FuzzFrameDecoder", ["CometCore", "CometProtocol", nioCore]),
        fuzzTarget("FuzzJSONParser", ["CometCore", "CometProtocol", nioCore]),
        fuzzTarget("FuzzBinaryHeader", ["CometCore", "CometProtocol", nioCore]),
        fuzzTarget("FuzzSQL92", ["CometCore", "CometFilter"]),
        fuzzTarget("FuzzBatchDecoder", ["CometCore", nioCore]),
        fuzzTarget("FuzzStoredMessage", ["CometCore", nioCore]),
    ]
)

#!/usr/bin/env bash
# Regenerates Sources/CometGRPCStubs from Protos/ (the apache.rocketmq.v2 API). Run by hand after
# changing a .proto; the output is committed and CI never runs this.
#
# Needs protoc (Debian: apt-get install protobuf-compiler) and builds the two plugins from the
# package dependencies in a scratch package under .build-protoc (git-ignored; the first build
# takes several minutes): swift-protobuf's protoc-gen-swift and grpc-swift-protobuf's
# protoc-gen-grpc-swift-2.
set -euo pipefail
cd "$(dirname "$0")/.."

scratch=.build-protoc
mkdir -p "$scratch"
cat > "$scratch/Package.swift" <<'PKG'
// swift-tools-version:6.2
// Scratch package that builds the protoc plugins used by scripts/generate-grpc.sh (never part of the product).
import PackageDescription
let package = Package(
    name: "comet-protoc-plugins",
    dependencies: [
        .package(url: "https://github.com/apple/swift-protobuf.git", exact: "1.39.0"),
        .package(url: "https://github.com/grpc/grpc-swift-protobuf.git", from: "2.4.0"),
    ],
    targets: []
)
PKG
(cd "$scratch" && swift build --product protoc-gen-swift && swift build --product protoc-gen-grpc-swift-2)
bin=$(cd "$scratch" && swift build --show-bin-path)
# Debian's protoc ships without the well-known types; swift-protobuf's checkout has them.
wkt="$scratch/.build/checkouts/swift-protobuf/Protos/Sources/SwiftProtobuf"

out=Sources/CometGRPCStubs
rm -f "$out"/*.swift
protoc -I Protos -I "$wkt" \
    --plugin=protoc-gen-swift="$bin/protoc-gen-swift" \
    --plugin=protoc-gen-grpc-swift="$bin/protoc-gen-grpc-swift-2" \
    --swift_out="$out" --swift_opt=Visibility=Package,FileNaming=DropPath,UseAccessLevelOnImports=true \
    --grpc-swift_out="$out" --grpc-swift_opt=Visibility=Package,Server=true,Client=true,FileNaming=DropPath,UseAccessLevelOnImports=true \
    Protos/apache/rocketmq/v2/definition.proto Protos/apache/rocketmq/v2/service.proto
echo "generated: $(ls "$out")"

import Benchmark
import CometCore
import CometProtocol
import Foundation
import NIOCore

/// Per-message wire operations: the remoting header of the two hottest requests (SEND_MESSAGE_V2 from
/// producers, PULL_MESSAGE from consumers) decoded from and encoded into a frame in both header
/// serializations, and the stored-record encode every appended message goes through.
///
/// Malloc counts are deterministic and gated by `scripts/check-benchmarks.sh` (Thresholds/); wall-clock
/// figures are for reports only. `COMET_BENCH_MALLOC_ONLY=1` measures only mallocs (what CI checks).
let benchmarks: @Sendable () -> Void = {
    let mallocOnly = ProcessInfo.processInfo.environment["COMET_BENCH_MALLOC_ONLY"] != nil
    Benchmark.defaultConfiguration = .init(
        metrics: mallocOnly ? [.mallocCountTotal] : [.wallClock, .mallocCountTotal, .throughput],
        timeUnits: .nanoseconds,
        warmupIterations: 100,
        maxDuration: .seconds(1),
        maxIterations: mallocOnly ? 1_000 : 1_000_000,
        // Allocation counts are exact; one either way absorbs a toolchain's runtime difference.
        thresholds: [.mallocCountTotal: .init(absolute: [.p90: 1])]
    )

    for serialization in [SerializeType.json, .rocketmq] {
        let suffix = serialization == .json ? "JSON" : "binary"  // names stay shell-safe: Thresholds/ file names

        let sendFrame = Fixtures.frame(Fixtures.sendRequest(serialization))
        Benchmark("SEND_MESSAGE_V2.headerDecode.\(suffix)") { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(try Fixtures.decodeSend(sendFrame))
            }
        }
        Benchmark("SEND_MESSAGE_V2.headerEncode.\(suffix)") { benchmark in
            var buffer = ByteBufferAllocator().buffer(capacity: 1024)
            for _ in benchmark.scaledIterations {
                buffer.clear()
                RemotingCommandEncoder.encodeHead(Fixtures.sendRequest(serialization), into: &buffer)
                blackHole(buffer.readableBytes)
            }
        }

        let pullFrame = Fixtures.frame(Fixtures.pullRequest(serialization))
        Benchmark("PULL_MESSAGE.headerDecode.\(suffix)") { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(try Fixtures.decodePull(pullFrame))
            }
        }
        Benchmark("PULL_MESSAGE.headerEncode.\(suffix)") { benchmark in
            var buffer = ByteBufferAllocator().buffer(capacity: 1024)
            for _ in benchmark.scaledIterations {
                buffer.clear()
                RemotingCommandEncoder.encodeHead(Fixtures.pullRequest(serialization), into: &buffer)
                blackHole(buffer.readableBytes)
            }
        }
    }

    let message = Fixtures.storedMessage()
    Benchmark("StoredMessage.encode.1KiB") { benchmark in
        var buffer = ByteBufferAllocator().buffer(capacity: 4096)
        for _ in benchmark.scaledIterations {
            buffer.clear()
            blackHole(try message.encode(into: &buffer))
        }
    }
}

/// Realistic inputs: what the Java/C++ producers and consumers put in these headers.
enum Fixtures {
    static let properties =
        "KEYS\u{1}order-4711\u{2}TAGS\u{1}TagA\u{2}UNIQ_KEY\u{1}7F0000010B2C18B4AAC26B8F2A7C0000\u{2}WAIT\u{1}true\u{2}"

    static func sendHeader() -> SendMessageRequestHeader {
        SendMessageRequestHeader(
            producerGroup: "benchmark_producer_group", topic: "BenchmarkTopic", queueId: 3, sysFlag: 0,
            bornTimestamp: 1_764_000_000_123, flag: 0, properties: properties, reconsumeTimes: 0, unitMode: false,
            batch: false, maxReconsumeTimes: 16)
    }

    static func pullHeader() -> PullMessageRequestHeader {
        PullMessageRequestHeader(
            consumerGroup: "benchmark_consumer_group", topic: "BenchmarkTopic", queueId: 3, queueOffset: 1_234_567,
            maxMsgNums: 32, sysFlag: [.commitOffset, .suspend, .subscription], commitOffset: 1_234_500,
            suspendTimeoutMillis: 15_000, subscription: "TagA || TagB", subVersion: 1_764_000_000_000,
            expressionType: "TAG")
    }

    static func sendRequest(_ serialization: SerializeType) -> RemotingCommand {
        var command = RemotingCommand(
            code: RequestCode.sendMessageV2.rawValue, opaque: 42, extFields: sendHeader().v2Fields)
        command.serializeType = serialization
        return command
    }

    static func pullRequest(_ serialization: SerializeType) -> RemotingCommand {
        var command = RemotingCommand.request(.pullMessage, header: pullHeader())
        command.opaque = 43
        command.serializeType = serialization
        return command
    }

    static func decodeSend(_ frame: ByteBuffer) throws -> SendMessageRequestHeader {
        try SendMessageRequestHeader(request: RemotingFrameDecoder.decodeFrame(frame))
    }

    static func decodePull(_ frame: ByteBuffer) throws -> PullMessageRequestHeader {
        try RemotingFrameDecoder.decodeFrame(frame).decodeHeader(PullMessageRequestHeader.self)
    }

    /// The frame without its leading length word, as `RemotingFrameDecoder.decodeFrame` takes it.
    static func frame(_ command: RemotingCommand) -> ByteBuffer {
        // The fixtures are small valid commands: encoding them cannot fail.
        var buffer = try! RemotingCommandEncoder.encode(command)
        buffer.moveReaderIndex(forwardBy: 4)
        return buffer
    }

    static func storedMessage() -> StoredMessage {
        StoredMessage(
            topic: "BenchmarkTopic", queueID: 3, body: ByteBuffer(repeating: 0x61, count: 1024),
            properties: MessageProperties.parse(properties), bornTimestamp: 1_764_000_000_123,
            bornHost: MessageHost(address: [127, 0, 0, 1], port: 50_000),
            storeHost: MessageHost(address: [127, 0, 0, 1], port: 10_911), queueOffset: 99, physicalOffset: 1 << 30,
            storeTimestamp: 1_764_000_000_200)
    }
}

import CometCore
import CometProtocol
import CometRemoting
import CometTestSupport
import InMemoryLogging
import Logging
import NIOCore
import Testing

/// Bad frames sent over real TCP: each closes only its own connection.
enum WireBadFrame: String, CaseIterable, Sendable {
    case oversize, negativeLength, lengthTooSmall, headerLongerThanFrame, unknownSerialization, malformedJSON,
        binaryTruncated

    var bytes: ByteBuffer {
        var b = ByteBuffer()
        func framed(_ header: [UInt8], _ serialization: UInt8 = 0) {
            b.writeInteger(UInt32(4 + header.count))
            b.writeInteger(UInt32(serialization) << 24 | UInt32(header.count))
            b.writeBytes(header)
        }
        switch self {
        case .oversize:
            b.writeInteger(UInt32(64 * 1024 * 1024))
            b.writeBytes([UInt8](repeating: 0, count: 64))
        case .negativeLength:
            b.writeInteger(Int32(-1))
            b.writeInteger(UInt32(0))
        case .lengthTooSmall:
            b.writeInteger(UInt32(1))
            b.writeInteger(UInt8(0))
        case .headerLongerThanFrame:
            b.writeInteger(UInt32(8))
            b.writeInteger(UInt32(4096))
            b.writeInteger(UInt32(0))
        case .unknownSerialization: framed(Array(#"{"code":105}"#.utf8), 9)
        case .malformedJSON: framed(Array(#"{"code":105,"extFields":{"topic":"#.utf8))
        case .binaryTruncated: framed([0, 105, 0, 0], 1)
        }
        return b
    }
}

@Suite("Malformed input over TCP", .timeLimit(.minutes(3)))
struct MalformedInputTests {
    @Test(
        "A bad frame closes that connection, is logged, and the server serves the next client",
        arguments: WireBadFrame.allCases)
    func badFrameClosesConnection(_ bad: WireBadFrame) async throws {
        let logs = InMemoryLogHandler()
        try await withNameServer(logger: logs.logger()) { address, _ in
            let channel = try await rawConnection(to: address)
            try await channel.writeAndFlush(bad.bytes)
            try await withTimeout(.seconds(5)) { try await channel.closeFuture.get() }
            #expect(logs.lines.contains { $0.contains("closing connection") })

            let client = RemotingClient(logger: Logger(label: "test"))
            defer { Task { await client.shutdown() } }
            let response = try await client.invoke(
                .request(.getRouteInfoByTopic, header: GetRouteInfoRequestHeader(topic: "T")), to: address,
                timeout: .seconds(5))
            #expect(response.responseCode == .topicNotExist)
        }
    }

    @Test("A frame cut off by the peer closing is logged and harms no one else")
    func truncatedFrame() async throws {
        let logs = InMemoryLogHandler()
        try await withNameServer(logger: logs.logger()) { address, _ in
            let client = RemotingClient(logger: Logger(label: "test"))
            let bystander = try await client.connection(to: address)

            let channel = try await rawConnection(to: address)
            var whole = try RemotingCommandEncoder.encode(.request(.getBrokerClusterInfo))
            try await channel.writeAndFlush(whole.readSlice(length: whole.readableBytes - 5)!)
            try await channel.close()
            try await withTimeout(.seconds(5)) {
                while !logs.lines.contains(where: { $0.contains("partial frame") }) {
                    try await Task.sleep(for: .milliseconds(20))
                }
            }
            let response = try await bystander.invoke(.request(.getBrokerClusterInfo), timeout: .seconds(5))
            #expect(response.responseCode == .success)
            await client.shutdown()
        }
    }

    @Test("Unknown request codes get REQUEST_CODE_NOT_SUPPORTED with a remark")
    func unknownCode() async throws {
        try await withNameServer { address, _ in
            let client = RemotingClient(logger: Logger(label: "test"))
            let response = try await client.invoke(
                RemotingCommand(code: 9999), to: address, timeout: .seconds(5))
            #expect(response.responseCode == .requestCodeNotSupported)
            #expect(response.remark?.contains("9999") == true)
            await client.shutdown()
        }
    }

    @Test("A request with a missing header field gets SYSTEM_ERROR naming the field")
    func missingHeaderField() async throws {
        try await withNameServer { address, _ in
            let client = RemotingClient(logger: Logger(label: "test"))
            let response = try await client.invoke(.request(.getRouteInfoByTopic), to: address, timeout: .seconds(5))
            #expect(response.responseCode == .systemError)
            #expect(response.remark?.contains("topic") == true)
            await client.shutdown()
        }
    }
}

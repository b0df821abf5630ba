import CometCore
import CometProtocol
import NIOCore
import NIOEmbedded
import Testing

@testable import CometRemoting

@Suite("In-flight request limiter")
struct InFlightRequestLimiterTests {
    /// Counts the reads that reach the socket (it sits between the head and the limiter).
    final class ReadCounter: ChannelOutboundHandler {
        typealias OutboundIn = Any
        var reads = 0
        func read(context: ChannelHandlerContext) {
            reads += 1
            context.read()
        }
    }

    private func request(_ opaque: Int32) -> RemotingCommand {
        var command = RemotingCommand.request(.getAllTopicConfig)
        command.opaque = opaque
        return command
    }

    private func passed(_ channel: EmbeddedChannel) throws -> [Int32] {
        var opaques: [Int32] = []
        while let command = try channel.readInbound(as: RemotingCommand.self) { opaques.append(command.opaque) }
        return opaques
    }

    @Test("At the bound, requests wait and the socket is not read until an answer goes out")
    func boundedInFlight() throws {
        let counter = ReadCounter()
        let channel = EmbeddedChannel()
        defer { _ = try? channel.finish() }
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        try channel.pipeline.syncOperations.addHandlers([counter, InFlightRequestLimiter(limit: 2)])
        for opaque: Int32 in 1...3 { try channel.writeInbound(request(opaque)) }
        #expect(try passed(channel) == [1, 2])
        channel.read()
        #expect(counter.reads == 0)
        // One answer frees one slot: the waiting request goes on, and the socket is still not
        // read while requests are waiting.
        try channel.writeOutbound(RemotingCommand.response(to: request(1)))
        #expect(try passed(channel) == [3])
        #expect(counter.reads == 0)
        try channel.writeOutbound(RemotingCommand.response(to: request(2)))
        #expect(counter.reads == 1)
    }

    @Test("While the peer does not read its answers, requests are neither processed nor read")
    func unwritablePauses() throws {
        let counter = ReadCounter()
        let channel = EmbeddedChannel()
        defer { _ = try? channel.finish() }
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        try channel.pipeline.syncOperations.addHandlers([counter, InFlightRequestLimiter(limit: 8)])
        channel.isWritable = false
        channel.pipeline.fireChannelWritabilityChanged()
        try channel.writeInbound(request(1))
        try channel.writeInbound(request(2))
        #expect(try passed(channel) == [])
        channel.read()
        #expect(counter.reads == 0)
        channel.isWritable = true
        channel.pipeline.fireChannelWritabilityChanged()
        #expect(try passed(channel) == [1, 2])
        #expect(counter.reads == 1)
    }

    @Test("Responses written below the encoder free their slot too")
    func responseWrittenEvent() throws {
        let channel = EmbeddedChannel()
        defer { _ = try? channel.finish() }
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        try channel.pipeline.syncOperations.addHandler(InFlightRequestLimiter(limit: 1))
        try channel.writeInbound(request(1))
        try channel.writeInbound(request(2))
        #expect(try passed(channel) == [1])
        channel.triggerUserOutboundEvent(InFlightRequestLimiter.ResponseWritten(), promise: nil)
        #expect(try passed(channel) == [2])
    }
}

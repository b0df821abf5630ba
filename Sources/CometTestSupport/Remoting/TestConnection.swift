package import CometProtocol
package import CometRemoting
import Logging
package import NIOCore
package import NIOEmbedded
import Synchronization

/// A ``RemotingConnection`` over an `NIOAsyncTestingChannel`: the test plays the peer, without a
/// socket. What the code under test writes is read back as typed commands with ``nextWritten()``;
/// what the peer sends is fed in with ``receive(_:)``. Time is virtual: request timeouts fire when
/// the test calls ``advanceTime(by:)``.
package final class TestConnection: Sendable {
    /// The channel the connection runs on.
    package let channel: NIOAsyncTestingChannel
    /// The connection the code under test uses.
    package let connection: RemotingConnection
    private let requests: AsyncStream<RemotingCommand>
    private let closes: AsyncStream<Void>
    private let written = Mutex(Written())

    /// A connected channel whose peer is `remoteAddress`.
    package init(remoteAddress: String = "127.0.0.1", port: Int = 40_000) async throws {
        channel = NIOAsyncTestingChannel()
        connection = RemotingConnection(channel: channel)
        let (requests, requestSink) = AsyncStream<RemotingCommand>.makeStream()
        let (closes, closeSink) = AsyncStream<Void>.makeStream()
        self.requests = requests
        self.closes = closes
        let (channel, connection) = (self.channel, self.connection)
        try await channel.testingEventLoop.executeInContext {
            try channel.pipeline.syncOperations.addHandler(
                RemotingChannelHandler(
                    connection: connection, logger: Logger(label: "comet.test-connection"),
                    onRequest: { request, _ in requestSink.yield(request) },
                    onClose: { _ in
                        closeSink.yield()
                        closeSink.finish()
                        requestSink.finish()
                    }))
        }
        try await channel.connect(to: try SocketAddress(ipAddress: remoteAddress, port: port))
    }

    /// The next command written to the peer (a request the code under test sent, or a response).
    package func nextWritten() async throws -> RemotingCommand {
        while true {
            if let command = try decodeWritten() { return command }
            append(try await channel.waitForOutboundWrite(as: ByteBuffer.self))
        }
    }

    /// The next command written, if one is already there.
    package func writtenIfAny() async throws -> RemotingCommand? {
        while true {
            if let command = try decodeWritten() { return command }
            guard let bytes = try await channel.readOutbound(as: ByteBuffer.self) else { return nil }
            append(bytes)
        }
    }

    /// Connections write encoded frames (a frame may span writes): they are decoded back here.
    private func append(_ bytes: ByteBuffer) {
        _ = written.withLock { $0.bytes.writeImmutableBuffer(bytes) }
    }

    private func decodeWritten() throws -> RemotingCommand? {
        try written.withLock { state in try state.decoder.decode(buffer: &state.bytes) }
    }

    private struct Written {
        var bytes = ByteBuffer()
        var decoder = RemotingFrameDecoder()
    }

    /// Delivers `command` as if the peer had sent it (a response completes the matching call).
    package func receive(_ command: RemotingCommand) async throws {
        try await channel.writeInbound(command)
    }

    /// Requests the peer sent that no call was waiting for (handed on by the connection).
    package var inboundRequests: AsyncStream<RemotingCommand> { requests }

    /// Moves the channel's virtual clock on, firing due timeouts.
    package func advanceTime(by amount: TimeAmount) async {
        await channel.testingEventLoop.advanceTime(by: amount)
    }

    /// Closes the channel as the peer would; pending calls fail.
    package func closeFromPeer() async throws {
        try await channel.close()
        for await _ in closes {}
    }
}

import CometCore
package import CometProtocol
package import Logging
package import NIOCore

/// The last handler of a remoting pipeline: routes responses to their waiting calls, hands
/// requests on, and closes the connection (with a log line saying why) on any decoding error.
package final class RemotingChannelHandler: ChannelInboundHandler {
    package typealias InboundIn = RemotingCommand

    /// The connection this handler feeds.
    package let connection: RemotingConnection
    private let onRequest: @Sendable (RemotingCommand, RemotingConnection) -> Void
    private let onClose: @Sendable (RemotingConnection) -> Void
    private let logger: Logger

    /// A handler feeding `connection`; requests go to `onRequest`, the close to `onClose`.
    package init(
        connection: RemotingConnection, logger: Logger,
        onRequest: @escaping @Sendable (RemotingCommand, RemotingConnection) -> Void,
        onClose: @escaping @Sendable (RemotingConnection) -> Void
    ) {
        self.connection = connection
        self.logger = logger
        self.onRequest = onRequest
        self.onClose = onClose
    }

    package func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let command = unwrapInboundIn(data)
        if command.isResponse {
            if !connection.receive(response: command) {
                // The C++ client's "oneway" calls are not flagged, so late or unexpected responses are normal.
                logger.trace("dropping response nobody waits for", metadata: ["opaque": "\(command.opaque)"])
            }
        } else {
            onRequest(command, connection)
        }
    }

    package func errorCaught(context: ChannelHandlerContext, error: any Error) {
        logger.warning(
            "closing connection: \(error)",
            metadata: ["remote.address": "\(connection.remoteAddress)"])
        context.close(promise: nil)
    }

    package func channelInactive(context: ChannelHandlerContext) {
        connection.closed()
        onClose(connection)
        context.fireChannelInactive()
    }
}

@available(*, unavailable)
extension RemotingChannelHandler: Sendable {}

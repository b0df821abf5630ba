import CometCore
package import CometProtocol
package import Logging
package import NIOCore

/// The last handler of a remoting pipeline: routes responses to their waiting calls, offers
/// requests to `onEventLoop` and hands the rest on, and closes the connection (with a log line
/// saying why) on any decoding error.
///
/// Answers given on the event loop while a read burst is in progress are written without a
/// flush; one flush at `channelReadComplete` sends them together.
package final class RemotingChannelHandler: ChannelInboundHandler {
    package typealias InboundIn = RemotingCommand
    package typealias OutboundOut = RemotingCommand

    /// The connection this handler feeds.
    package let connection: RemotingConnection
    private let onEventLoop: ((RemotingCommand, RemotingConnection, RemotingResponder) -> Bool)?
    private let onRequest: @Sendable (RemotingCommand, RemotingConnection) -> Void
    private let onClose: @Sendable (RemotingConnection) -> Void
    private let logger: Logger
    private var reading = false
    private var flushPending = false

    /// A handler feeding `connection`; requests go to `onRequest`, the close to `onClose`.
    package init(
        connection: RemotingConnection, logger: Logger,
        onEventLoop: ((RemotingCommand, RemotingConnection, RemotingResponder) -> Bool)? = nil,
        onRequest: @escaping @Sendable (RemotingCommand, RemotingConnection) -> Void,
        onClose: @escaping @Sendable (RemotingConnection) -> Void
    ) {
        self.connection = connection
        self.logger = logger
        self.onEventLoop = onEventLoop
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
        } else if let onEventLoop {
            reading = true
            let bound = NIOLoopBound((handler: self, context: context), eventLoop: context.eventLoop)
            let eventLoop = context.eventLoop
            let responder = RemotingResponder(request: command) { response in
                if eventLoop.inEventLoop {
                    bound.value.handler.write(response, context: bound.value.context)
                } else {
                    eventLoop.execute { bound.value.handler.write(response, context: bound.value.context) }
                }
            }
            if !onEventLoop(command, connection, responder) { onRequest(command, connection) }
        } else {
            onRequest(command, connection)
        }
    }

    private func write(_ response: RemotingCommand, context: ChannelHandlerContext) {
        if reading {
            context.write(wrapOutboundOut(response), promise: nil)
            flushPending = true
        } else {
            context.writeAndFlush(wrapOutboundOut(response), promise: nil)
        }
    }

    package func channelReadComplete(context: ChannelHandlerContext) {
        reading = false
        if flushPending {
            flushPending = false
            context.flush()
        }
        context.fireChannelReadComplete()
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

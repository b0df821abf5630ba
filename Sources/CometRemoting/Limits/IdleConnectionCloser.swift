import Logging
import NIOCore

/// Closes a connection when NIO's `IdleStateHandler` (placed before it) reports no traffic
/// either way for the idle timeout: a peer that connects and goes quiet (or sends one byte of a
/// frame and stops) does not hold a socket and its buffers forever.
final class IdleConnectionCloser: ChannelInboundHandler {
    typealias InboundIn = NIOAny

    private let logger: Logger

    init(logger: Logger) {
        self.logger = logger
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            logger.info(
                "closing idle connection",
                metadata: ["remote.address": "\(context.channel.remoteAddress.map { "\($0)" } ?? "unknown")"])
            context.close(promise: nil)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }
}

@available(*, unavailable)
extension IdleConnectionCloser: Sendable {}

import Logging
import NIOCore

/// On the listening channel: closes accepted connections beyond `limit` before they get a
/// pipeline, and counts a connection down when it closes.
final class ConnectionCountLimiter: ChannelInboundHandler {
    typealias InboundIn = any Channel
    typealias InboundOut = any Channel

    private let limit: Int
    private let open: SharedCounter
    private let logger: Logger
    private var lastWarning: NIODeadline?

    init(limit: Int, open: SharedCounter, logger: Logger) {
        self.limit = limit
        self.open = open
        self.logger = logger
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let child = unwrapInboundIn(data)
        guard open.value < limit else {
            // Logged at most once a second: a flood of refused connections must not flood the log.
            let now = NIODeadline.now()
            if lastWarning.map({ now - $0 > .seconds(1) }) ?? true {
                lastWarning = now
                logger.warning("refusing connection: \(limit) connections are open (maxConnections)")
            }
            child.close(mode: .all, promise: nil)
            return
        }
        open.add(1)
        child.closeFuture.whenComplete { [open] _ in open.add(-1) }
        context.fireChannelRead(data)
    }
}

@available(*, unavailable)
extension ConnectionCountLimiter: Sendable {}

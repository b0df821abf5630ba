import CometCore
import Logging
import NIOCore
import NIOSSL

/// First handler of every server connection when TLS is on: looks at the first byte and either
/// inserts a TLS handler (a handshake starts with 0x16) or leaves the connection in plaintext, then
/// removes itself (RocketMQ's `HandshakeHandler`). A remoting frame never starts with 0x16: that
/// would announce a frame of at least 352 MiB, far above the 16 MiB limit.
///
/// `enforcing` closes plaintext connections; `permissive` takes both.
final class TLSModeHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    /// The TLS record type of a handshake.
    static let handshakeByte: UInt8 = 0x16

    private let mode: TLSSettings.Mode
    private let context: NIOSSLContext
    private let logger: Logger
    private var decided = false

    init(mode: TLSSettings.Mode, context: NIOSSLContext, logger: Logger) {
        self.mode = mode
        self.context = context
        self.logger = logger
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !decided else {
            context.fireChannelRead(data)
            return
        }
        let buffer = unwrapInboundIn(data)
        guard let first = buffer.getInteger(at: buffer.readerIndex, as: UInt8.self) else { return }
        decided = true
        let peer = context.channel.remoteAddress.map { "\($0)" } ?? "unknown"
        if first == Self.handshakeByte {
            do {
                // Added in reverse: each goes right after this handler.
                try context.pipeline.syncOperations.addHandler(UncleanShutdownFilter(), position: .after(self))
                try context.pipeline.syncOperations.addHandler(
                    NIOSSLServerHandler(context: self.context), position: .after(self))
            } catch {
                logger.info("cannot start TLS: \(error)", metadata: ["remote.address": "\(peer)"])
                context.close(promise: nil)
                return
            }
        } else if mode == .enforcing {
            logger.info("closing a plaintext connection: TLS is enforced", metadata: ["remote.address": "\(peer)"])
            context.close(promise: nil)
            return
        }
        context.fireChannelRead(data)
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }
}

@available(*, unavailable)
extension TLSModeHandler: Sendable {}

extension TLSModeHandler {
    /// Builds the TLS context once per server and a handler per connection; nil when TLS is disabled.
    struct Factory: Sendable {
        let mode: TLSSettings.Mode
        let context: NIOSSLContext
        let logger: Logger

        init?(_ settings: TLSSettings, logger: Logger) throws(CometError) {
            guard settings.acceptsTLS else { return nil }
            mode = settings.mode
            context = try settings.makeServerContext()
            self.logger = logger
        }

        func makeHandler() -> TLSModeHandler { TLSModeHandler(mode: mode, context: context, logger: logger) }
    }
}

/// Drops NIOSSL's `uncleanShutdown` error: many clients (Python's `ssl`, the JDK) close without a TLS
/// close_notify, which is harmless for a request/response protocol and not worth a warning per connection.
final class UncleanShutdownFilter: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    func channelRead(context: ChannelHandlerContext, data: NIOAny) { context.fireChannelRead(data) }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let error = error as? NIOSSLError, case .uncleanShutdown = error { return }
        context.fireErrorCaught(error)
    }
}

@available(*, unavailable)
extension UncleanShutdownFilter: Sendable {}

package import CometCore
import CometProtocol
package import Logging
package import NIOCore
import NIOPosix
import ServiceLifecycle
import Synchronization

/// Where and how a ``RemotingServer`` listens.
package struct RemotingServerConfiguration: Sendable {
    /// Address to bind; port 0 picks an ephemeral port (see ``RemotingServer/localAddress``).
    package var listen: HostAndPort
    /// Frames above this size close the connection (RocketMQ's default: 16 MiB).
    package var maxFrameLength: Int
    /// Connection count, in-flight requests, idle timeout and partial-frame bounds.
    package var limits: ConnectionLimits
    /// TLS on this port (RocketMQ's `tls.server.*`); disabled by default.
    package var tls: TLSSettings

    package init(
        listen: HostAndPort, maxFrameLength: Int = RemotingFrameDecoder.defaultMaxFrameLength,
        tls: TLSSettings = TLSSettings(), limits: ConnectionLimits = ConnectionLimits()
    ) {
        self.listen = listen
        self.maxFrameLength = maxFrameLength
        self.tls = tls
        self.limits = limits
    }
}

/// A TCP server for the remoting protocol that hands requests to a ``RequestProcessor``.
///
/// Requests that need no waiting are answered on the event loop that read them (see
/// ``RequestProcessor/processOnEventLoop(_:connection:responder:)``); every other request runs in
/// its own child task of ``run()``, so slow requests (long polls) never hold up others. A peer that sends a bad frame loses its own
/// connection only. On graceful shutdown the server stops accepting, lets in-flight requests
/// answer, then closes the remaining connections.
package final class RemotingServer: Service {
    private let configuration: RemotingServerConfiguration
    private let processor: any RequestProcessor
    private let logger: Logger
    private let group: any EventLoopGroup
    private let bound: EventLoopPromise<SocketAddress>
    private let connections = Mutex<[UInt64: RemotingConnection]>([:])

    package init(
        configuration: RemotingServerConfiguration, processor: any RequestProcessor, logger: Logger,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) {
        self.configuration = configuration
        self.processor = processor
        self.logger = logger
        self.group = eventLoopGroup
        self.bound = eventLoopGroup.next().makePromise(of: SocketAddress.self)
    }

    /// The address the server bound, once ``run()`` has bound it.
    package var localAddress: SocketAddress {
        get async throws { try await bound.futureResult.get() }
    }

    /// Connections currently open.
    package var connectionCount: Int { connections.withLock { $0.count } }

    package func run() async throws {
        let (requests, continuation) = AsyncStream<(RemotingCommand, RemotingConnection, ContinuousClock.Instant)>
            .makeStream()
        let maxFrameLength = configuration.maxFrameLength
        let limits = configuration.limits
        let logger = self.logger
        let tls: TLSModeHandler.Factory?
        do {
            tls = try TLSModeHandler.Factory(configuration.tls, logger: logger)
        } catch {
            bound.fail(error)
            throw error
        }
        let openConnections = SharedCounter()
        let partialFrameBytes = SharedCounter()
        let serverChannel: any Channel
        do {
            serverChannel = try await ServerBootstrap(group: group)
                .serverChannelOption(.backlog, value: 1024)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .serverChannelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(
                            ConnectionCountLimiter(limit: limits.maxConnections, open: openConnections, logger: logger))
                    }
                }
                .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
                .childChannelOption(.socketOption(.so_keepalive), value: 1)
                .childChannelInitializer { [self] channel in
                    channel.eventLoop.makeCompletedFuture {
                        let connection = RemotingConnection(channel: channel)
                        self.connections.withLock { $0[connection.id] = connection }
                        if let tls { try channel.pipeline.syncOperations.addHandler(tls.makeHandler()) }
                        if let idle = limits.idleTimeout {
                            try channel.pipeline.syncOperations.addHandlers([
                                IdleStateHandler(allTimeout: .nanoseconds(Int64(idle.nanoseconds))),
                                IdleConnectionCloser(logger: logger),
                            ])
                        }
                        try channel.pipeline.syncOperations.addHandlers([
                            PartialFrameBudget(budget: limits.maxBufferedPartialFrameBytes, total: partialFrameBytes),
                            ByteToMessageHandler(RemotingFrameDecoder(maxFrameLength: maxFrameLength)),
                            RemotingCommandEncoder(),
                            InFlightRequestLimiter(limit: limits.maxInFlightRequestsPerConnection),
                            RemotingChannelHandler(
                                connection: connection, logger: logger,
                                onEventLoop: { [processor] request, connection, responder in
                                    processor.processOnEventLoop(request, connection: connection, responder: responder)
                                },
                                onRequest: { continuation.yield(($0, $1, .now)) },
                                onClose: { [self] connection in
                                    self.connections.withLock { _ = $0.removeValue(forKey: connection.id) }
                                    self.processor.connectionClosed(connection)
                                }),
                        ])
                    }
                }
                .bind(host: configuration.listen.host, port: configuration.listen.port).get()
        } catch {
            let failure = CometError(
                .invalidConfiguration, "cannot listen on \(configuration.listen): \(error)", cause: error)
            bound.fail(failure)
            throw failure
        }
        bound.succeed(serverChannel.localAddress!)

        await withTaskCancellationOrGracefulShutdownHandler {
            await withDiscardingTaskGroup { tasks in
                for await (request, connection, received) in requests {
                    tasks.addTask { await self.handle(request, from: connection, received: received) }
                }
            }
        } onCancelOrGracefulShutdown: {
            serverChannel.close(promise: nil)
            continuation.finish()
        }
        try? await serverChannel.closeFuture.get()
        let open = connections.withLock { Array($0.values) }
        for connection in open { try? await connection.channel.close() }
    }

    private func handle(
        _ request: RemotingCommand, from connection: RemotingConnection, received: ContinuousClock.Instant
    ) async {
        logger.debug(
            "received \(request)", metadata: ["remote.address": "\(connection.remoteAddress)"])
        var response: RemotingCommand?
        let waited = ContinuousClock.now - received
        if let limit = processor.queueWaitLimit(for: request), waited > limit {
            // RocketMQ's cleanExpiredRequest: the broker is behind, so tell the client at once and
            // let it retry elsewhere instead of answering long after it gave up.
            response = .response(
                to: request, code: .systemBusy,
                remark:
                    "[TIMEOUT_CLEAN_QUEUE]broker busy, start flow control for a while, period in queue: \(waited.saturatingMilliseconds)ms"
            )
        } else {
            do {
                response = try await processor.process(request, connection: connection)
            } catch {
                logger.info(
                    "request \(request.requestCode) failed: \(error)",
                    metadata: ["remote.address": "\(connection.remoteAddress)"])
                if let known = error as? any ResponseCodeConvertible {
                    response = .response(to: request, code: known.responseCode, remark: known.responseRemark)
                } else {
                    response = .response(to: request, code: .systemError, remark: "\(error)")
                }
            }
        }
        guard !request.isOneway, var response else { return }
        response.opaque = request.opaque
        response.flag |= RemotingCommand.responseFlag
        response.serializeType = request.serializeType
        connection.write(response)
    }
}

package import CometCore
package import CometProtocol
package import Logging
package import NIOCore
import NIOPosix
import NIOSSL
import Synchronization

/// Options for a ``RemotingClient``.
package struct RemotingClientConfiguration: Sendable {
    package var connectTimeout: Duration
    package var maxFrameLength: Int
    /// Connect with TLS when set.
    package var tls: ClientTLSSettings?
    /// Signs every request (plain ACL credentials) when set.
    package var signer: RequestSigner?

    package init(
        connectTimeout: Duration = .seconds(3), maxFrameLength: Int = RemotingFrameDecoder.defaultMaxFrameLength,
        tls: ClientTLSSettings? = nil, signer: RequestSigner? = nil
    ) {
        self.connectTimeout = connectTimeout
        self.maxFrameLength = maxFrameLength
        self.tls = tls
        self.signer = signer
    }
}

/// The calling side of the remoting protocol: one connection per address, opened on first use
/// and reopened on the next call after it drops.
///
/// Requests the server pushes (NOTIFY_CONSUMER_IDS_CHANGED, CHECK_TRANSACTION_STATE ...) go to
/// `requestHandler` inside ``run()``, which the client's owner runs for as long as it uses the
/// client (a child task of its own `run`), so no handler outlives it; its answer, if any, is sent
/// back unless the request was oneway. Without a handler, pushed requests are answered
/// REQUEST_CODE_NOT_SUPPORTED at once and ``run()`` is not needed.
package final class RemotingClient: Sendable {
    /// Handles a request pushed by a server.
    package typealias RequestHandler = @Sendable (RemotingCommand, RemotingConnection) async -> RemotingCommand?

    private let configuration: RemotingClientConfiguration
    private let group: any EventLoopGroup
    private let logger: Logger
    private let requestHandler: RequestHandler?
    private let connections = Mutex<[String: Entry]>([:])
    private let isShutdown = Atomic<Bool>(false)
    private let pushed: AsyncStream<(RemotingCommand, RemotingConnection)>
    private let pushedSink: AsyncStream<(RemotingCommand, RemotingConnection)>.Continuation

    package init(
        configuration: RemotingClientConfiguration = .init(), logger: Logger,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        requestHandler: RequestHandler? = nil
    ) {
        self.configuration = configuration
        self.group = eventLoopGroup
        self.logger = logger
        self.requestHandler = requestHandler
        (pushed, pushedSink) = AsyncStream.makeStream()
    }

    /// Serves the requests servers push, each in a child task, until the calling task is cancelled
    /// or the client shuts down; returns once every handler has finished.
    package func run() async {
        guard let handler = requestHandler else { return }
        await withDiscardingTaskGroup { group in
            for await (request, connection) in pushed {
                group.addTask { await Self.serve(request, on: connection, handler: handler) }
            }
        }
    }

    /// Calls `address` and waits for the response.
    package func invoke(
        _ request: RemotingCommand, to address: String, timeout: Duration
    ) async throws
        -> RemotingCommand
    {
        try await connection(to: address).invoke(signed(request), timeout: timeout)
    }

    /// Sends a oneway request to `address`.
    package func invokeOneway(_ request: RemotingCommand, to address: String) async throws {
        try await connection(to: address).invokeOneway(signed(request))
    }

    /// `request` with the ACL signature added, when credentials are configured.
    package func signed(_ request: RemotingCommand) -> RemotingCommand {
        guard let signer = configuration.signer else { return request }
        var request = request
        signer.sign(&request)
        return request
    }

    /// The open connection to `address`, connecting if there is none.
    package func connection(to address: String) async throws -> RemotingConnection {
        guard !isShutdown.load(ordering: .relaxed) else {
            throw CometError(.shutdown, "the remoting client is shut down")
        }
        // Fast path: an established connection is returned without awaiting its future again.
        let entry = connections.withLock { table -> Entry in
            if let existing = table[address] { return existing }
            let future = connect(address)
            table[address] = .connecting(future)
            return .connecting(future)
        }
        let future: EventLoopFuture<RemotingConnection>
        switch entry {
        case .ready(let connection, let connected):
            if connection.isActive { return connection }
            future = connected
        case .connecting(let connecting):
            future = connecting
        }
        do {
            let connection = try await future.get()
            if connection.isActive {
                connections.withLock { table in
                    if case .connecting(let current) = table[address], current === future {
                        table[address] = .ready(connection, future)
                    }
                }
                return connection
            }
            forget(address, future)
            return try await self.connection(to: address)
        } catch {
            forget(address, future)
            if let error = error as? CometError { throw error }
            throw CometError(.connectionFailed, "cannot connect to \(address): \(error)", cause: error)
        }
    }

    /// Closes every connection; later calls fail with `.shutdown`.
    package func shutdown() async {
        isShutdown.store(true, ordering: .relaxed)
        pushedSink.finish()
        let futures = connections.withLock { table in
            defer { table.removeAll() }
            return table.values.map(\.future)
        }
        for future in futures {
            if let connection = try? await future.get() { try? await connection.channel.close() }
        }
    }

    private func forget(_ address: String, _ future: EventLoopFuture<RemotingConnection>) {
        connections.withLock { table in
            if table[address]?.future === future { table.removeValue(forKey: address) }
        }
    }

    /// A connection being opened, or open (with the future that opened it, which identifies it).
    private enum Entry {
        case connecting(EventLoopFuture<RemotingConnection>)
        case ready(RemotingConnection, EventLoopFuture<RemotingConnection>)

        var future: EventLoopFuture<RemotingConnection> {
            switch self {
            case .connecting(let future), .ready(_, let future): return future
            }
        }
    }

    private func connect(_ address: String) -> EventLoopFuture<RemotingConnection> {
        let loop = group.next()
        let target: HostAndPort
        do {
            target = try HostAndPort(parsing: address)
        } catch {
            return loop.makeFailedFuture(error)
        }
        let maxFrameLength = configuration.maxFrameLength
        let logger = self.logger
        let handler = requestHandler
        let pushedSink = self.pushedSink
        let tlsContext: NIOSSLContext?
        do {
            tlsContext = try configuration.tls?.makeClientContext()
        } catch {
            return loop.makeFailedFuture(error)
        }
        let serverName = IPAddress.isLiteral(target.host) ? nil : target.host
        return ClientBootstrap(group: loop)
            .connectTimeout(.nanoseconds(Int64(configuration.connectTimeout.nanoseconds)))
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let connection = RemotingConnection(channel: channel)
                    if let tlsContext {
                        try channel.pipeline.syncOperations.addHandler(
                            NIOSSLClientHandler(context: tlsContext, serverHostname: serverName))
                    }
                    try channel.pipeline.syncOperations.addHandlers([
                        ByteToMessageHandler(RemotingFrameDecoder(maxFrameLength: maxFrameLength)),
                        RemotingCommandEncoder(),
                        RemotingChannelHandler(
                            connection: connection, logger: logger,
                            onRequest: { request, connection in
                                if handler == nil {
                                    Self.refuse(request, on: connection)
                                } else {
                                    pushedSink.yield((request, connection))
                                }
                            },
                            onClose: { _ in }),
                    ])
                }
            }
            .connect(host: target.host, port: target.port)
            .flatMapThrowing { channel in
                try channel.pipeline.syncOperations.handler(type: RemotingChannelHandler.self).connection
            }
    }

    private static func serve(
        _ request: RemotingCommand, on connection: RemotingConnection, handler: RequestHandler
    )
        async
    {
        reply(to: request, with: await handler(request, connection), on: connection)
    }

    /// Answers a pushed request when this client has no handler for any.
    private static func refuse(_ request: RemotingCommand, on connection: RemotingConnection) {
        let response = RemotingCommand.response(
            to: request, code: .requestCodeNotSupported, remark: "\(request.requestCode) is not supported here")
        reply(to: request, with: response, on: connection)
    }

    private static func reply(
        to request: RemotingCommand, with response: RemotingCommand?, on connection: RemotingConnection
    ) {
        guard !request.isOneway, var response else { return }
        response.opaque = request.opaque
        response.flag |= RemotingCommand.responseFlag
        response.serializeType = request.serializeType
        connection.write(response)
    }
}

package import CometCore
import CometProtocol
import CometRemoting
package import Logging
package import NIOCore
import NIOPosix
import ServiceLifecycle

/// A running name server: the remoting server plus the broker-expiry scanner.
package final class NameServer: Service {
    package let configuration: NameServerConfiguration
    /// The request processor, exposed so tests and admin code can inspect the route table.
    package let processor: NameServerProcessor
    private let server: RemotingServer
    private let logger: Logger
    /// Paces the expiry scan (a test clock drives it in virtual time).
    private let clock: WallClock

    package init(
        configuration: NameServerConfiguration, clock: WallClock = .system, logger: Logger,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) throws(CometError) {
        try configuration.validate()
        self.configuration = configuration
        self.logger = logger
        self.clock = clock
        self.processor = NameServerProcessor(
            kvConfig: try KVConfigManager(path: configuration.kvConfigPath), configuration: configuration, clock: clock,
            logger: logger)
        self.server = RemotingServer(
            configuration: RemotingServerConfiguration(
                listen: configuration.listen, maxFrameLength: configuration.maxFrameLength, tls: configuration.tls),
            processor: processor, logger: logger, eventLoopGroup: eventLoopGroup)
    }

    /// The bound address once running (useful with port 0).
    package var localAddress: SocketAddress {
        get async throws { try await server.localAddress }
    }

    package func run() async throws {
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { try await self.server.run() }
            group.addTask {
                let address = try await self.server.localAddress
                self.logger.info("comet name server listening on \(HostAndPort(address))")
            }
            group.addTask {
                try? await cancelWhenGracefulShutdown {
                    while true {
                        try await self.clock.sleep(for: self.configuration.scanInterval)
                        self.processor.scanNotActiveBrokers(expiry: self.configuration.brokerExpiry)
                    }
                }
            }
        }
        logger.info("comet name server stopped")
    }
}

extension HostAndPort {
    /// The `ip:port` form of a socket address.
    package init(_ address: SocketAddress) {
        self.init(host: address.ipAddress ?? "unknown", port: address.port ?? 0)
    }
}

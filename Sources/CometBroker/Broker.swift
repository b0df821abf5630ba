package import CometCore
import CometProtocol
import CometRemoting
import CometStore
package import CoreMetrics
package import Logging
package import NIOCore
import NIOPosix
import ServiceLifecycle

/// A running broker: the remoting server, the message store, name-server registration and the
/// housekeeping loops (offset persistence, client expiry, long-poll deadlines).
///
/// Start-up binds first, so the advertised address (and STOREHOST) carries the real port even
/// with port 0, then opens the store, then registers. Graceful shutdown releases held pulls,
/// lets in-flight requests answer, persists offsets, unregisters and closes the store cleanly.
package final class Broker: Service {
    package let controller: BrokerController
    private let server: RemotingServer
    /// RocketMQ's "VIP channel" (listen port − 2; not with an ephemeral port): the same requests;
    /// RocketMQ slaves fetch their master's topic configs there.
    private let vipServer: RemotingServer?
    private let client: RemotingClient
    private let logger: Logger
    /// The plain ACL, when enabled; its file is watched while the broker runs. The gRPC endpoint
    /// checks its requests against the same rules.
    package let acl: AccessValidator?

    package init(
        configuration: BrokerConfiguration, configFile: String? = nil, clock: WallClock = .system, logger: Logger,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        metricsFactory: (any MetricsFactory)? = nil
    ) throws(CometError) {
        controller = try BrokerController(
            configuration: configuration, configFile: configFile, clock: clock, logger: logger,
            eventLoopGroup: eventLoopGroup, metricsFactory: metricsFactory)
        self.logger = logger
        let (processor, acl) = try Self.makeProcessor(controller: controller, logger: logger)
        self.acl = acl
        server = RemotingServer(
            configuration: RemotingServerConfiguration(
                listen: configuration.listen, maxFrameLength: configuration.maxFrameLength, tls: configuration.tls,
                limits: configuration.connectionLimits),
            processor: processor, logger: logger, eventLoopGroup: eventLoopGroup)
        if configuration.listen.port > 2 {
            var vip = configuration.listen
            vip.port -= 2
            vipServer = RemotingServer(
                configuration: RemotingServerConfiguration(
                    listen: vip, maxFrameLength: configuration.maxFrameLength, tls: configuration.tls,
                    limits: configuration.connectionLimits),
                processor: processor, logger: logger, eventLoopGroup: eventLoopGroup)
        } else {
            vipServer = nil
        }
        // Upstream's broker talks TLS to name servers in enforcing mode, trusting any certificate; it
        // presents its own certificate in case the name server asks for one.
        let outgoingTLS =
            configuration.tls.mode == .enforcing
            ? ClientTLSSettings(
                verifyServer: false, certificatePath: configuration.tls.certificatePath,
                privateKeyPath: configuration.tls.privateKeyPath) : nil
        client = RemotingClient(configuration: .init(tls: outgoingTLS), logger: logger, eventLoopGroup: eventLoopGroup)
    }

    /// The bound address once running.
    package var localAddress: SocketAddress {
        get async throws { try await server.localAddress }
    }

    package func run() async throws {
        defer { controller.ready.fail(CometError(.shutdown, "the broker stopped before it was ready")) }
        let registrar = BrokerRegistrar(controller: controller, client: client)
        let holds = controller.pullHolds
        try await withGracefulShutdownHandler {
            try await withThrowingDiscardingTaskGroup { group in
                group.addTask { try await self.server.run() }
                if let vipServer {
                    let logger = self.logger
                    group.addTask {
                        do {
                            try await vipServer.run()
                        } catch {
                            // Optional: only RocketMQ slaves use it, and they fall back to nothing else.
                            logger.warning("cannot listen on the VIP port (listen port - 2): \(error)")
                        }
                    }
                }
                let bound = try await server.localAddress
                let port = bound.port ?? controller.configuration.listen.port
                let store = try await openStore(port: port)
                defer { logger.debug("broker services started") }
                let replication = controller.replication
                let listenHost = controller.configuration.listen.host
                // The HA port defaults to the configured listen port + 1 (an ephemeral one for port 0).
                let configuredPort = controller.configuration.listen.port
                let advertised = Self.advertisedHost(controller.configuration)
                group.addTask {
                    try await cancelWhenGracefulShutdown {
                        try await replication.run(
                            store: store, listenHost: listenHost, listenPort: configuredPort, advertisedHost: advertised
                        )
                    }
                }
                let haAddress = try await replication.advertisedHAAddress()
                logger.info(
                    "replication (HA) port open at \(haAddress)",
                    metadata: ["ha.role": "\(replication.role.rawValue)"])
                let synchronizer = SlaveSynchronizer(controller: controller, client: client)
                group.addTask { await cancelWhenGracefulShutdown { await synchronizer.run() } }
                group.addTask { await registrar.run() }
                group.addTask { await self.housekeeping(store: store) }
                if let acl {
                    let interval = controller.configuration.acl.reloadInterval
                    group.addTask { await cancelWhenGracefulShutdown { await acl.watch(every: interval) } }
                }
                if controller.replication.role.isMaster {
                    try addMessageServices(to: &group, store: store)
                } else {
                    // A slave runs no delay, timer or transaction service until it is promoted.
                    group.addTask {
                        guard await replication.waitForPromotion() else { return }
                        try await withThrowingDiscardingTaskGroup { services in
                            try self.addMessageServices(to: &services, store: store)
                        }
                    }
                }
                controller.topicsChanged()
            }
        } onGracefulShutdown: {
            holds.shutdown()
            self.controller.pop.waiters.shutdown()
            self.controller.finishRegistrationTriggers()
        }
        await finish(registrar: registrar)
    }

    private func openStore(port: Int) async throws -> MessageStore {
        let configuration = controller.configuration
        let host = Self.advertisedHost(configuration)
        var storeConfiguration = configuration.store
        storeConfiguration.storeHost = MessageHost(ipv4: host, port: Int32(port)) ?? .unspecified
        let holds = controller.pullHolds
        let pop = controller.pop
        let heldMessages = controller.heldMessages
        let store: MessageStore
        do {
            store = try await MessageStore.open(
                configuration: storeConfiguration, logger: logger,
                onMessageArrived: { arrival in
                    holds.messageArrived(arrival)
                    pop.waiters.messageArrived(topic: arrival.topic)
                    heldMessages.messageArrived(topic: arrival.topic)
                })
        } catch {
            throw CometError(
                .io, "cannot open the store in \(configuration.dataDirectory): \(error.message)", cause: error)
        }
        let report = store.recoveryReport
        if !report.wasCleanShutdown {
            logger.warning("recovered the store after an unclean shutdown", metadata: ["recovery": "\(report)"])
        }
        let address = "\(host):\(port)"
        // A slave's log is its master's copy: client appends are refused before the first request.
        if controller.replication.role == .slave { store.isReplica = true }
        controller.didOpen(store: store, address: address)
        logger.info(
            "comet broker listening on \(address)",
            metadata: [
                "broker.name": "\(configuration.brokerName)", "cluster": "\(configuration.clusterName)",
                "data": "\(configuration.dataDirectory)",
            ])
        return store
    }

    private func housekeeping(store: MessageStore) async {
        let configuration = controller.configuration
        let expiryMillis = Int64(configuration.clientExpiry.components.seconds) * 1000
        let flushMillis = Self.millis(configuration.offsetFlushInterval)
        let registerMillis = Self.millis(configuration.registerInterval)
        await cancelWhenGracefulShutdown {
            var lastOffsetFlush = self.controller.clock.nowMillis()
            var lastClientScan = lastOffsetFlush
            var lastRegistration = lastOffsetFlush
            while !Task.isCancelled {
                try? await self.controller.clock.sleep(for: .milliseconds(100))
                let now = self.controller.clock.nowMillis()
                self.controller.pullHolds.expire(now: now)
                self.controller.pop.waiters.expire(now: now)
                if now - lastOffsetFlush >= flushMillis {
                    lastOffsetFlush = now
                    self.persistOffsets()
                    self.controller.pop.compactIfNeeded()
                }
                if now - lastRegistration >= registerMillis {
                    lastRegistration = now
                    self.controller.topicsChanged()
                }
                if now - lastClientScan >= 10_000 {
                    lastClientScan = now
                    self.controller.producers.removeExpired(now: now, expiryMillis: expiryMillis)
                    let (groups, connections) = self.controller.consumers.removeExpired(
                        now: now, expiryMillis: expiryMillis)
                    for connection in connections { connection.close() }
                    for group in groups { self.controller.notifyConsumerIdsChanged(group) }
                }
            }
        }
    }

    private func finish(registrar: BrokerRegistrar) async {
        persistOffsets()
        controller.replication.stop()
        await registrar.unregisterAll()
        await client.shutdown()
        if let store = controller.store { await store.shutdown() }
        logger.info("comet broker stopped")
    }

    private func persistOffsets() {
        do {
            try controller.offsets.persist()
        } catch {
            logger.error("cannot persist consumer offsets: \(error)")
        }
    }

    private static func millis(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
    }

    /// `brokerIP1`, else the listen host, else (listening on every interface) the first
    /// non-loopback IPv4 address, else 127.0.0.1.
    static func advertisedHost(_ configuration: BrokerConfiguration) -> String {
        if let host = configuration.advertisedHost { return host }
        let listen = configuration.listen.host
        if listen != "0.0.0.0" && listen != "::" && MessageHost(ipv4: listen, port: 0) != nil { return listen }
        if listen == "localhost" { return "127.0.0.1" }
        let devices = (try? System.enumerateDevices()) ?? []
        for device in devices {
            if case .v4 = device.address, let ip = device.address?.ipAddress, !ip.hasPrefix("127.") { return ip }
        }
        return "127.0.0.1"
    }
}

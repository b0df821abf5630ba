import ArgumentParser
import CometBroker
import CometCore
import CometGRPC
import CometHTTP
import Logging
import ServiceLifecycle
import UnixSignals

/// `comet broker`: runs a broker that registers with one or more name servers.
struct BrokerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "broker",
        abstract: "Run a broker: stores messages and serves producers and consumers.",
        discussion: """
            The broker registers with every name server given by --namesrv (or namesrvAddr in --config) \
            at start and every 30 s. Existing RocketMQ broker.conf files are accepted with --config.
            With --grpc the same process serves RocketMQ 5.x clients (Java 5.x, Go, C#, Python, ...) over \
            gRPC, with no proxy in between; they use the --grpc address as their endpoint.
            With --http the same process serves the dashboard, the JSON admin API, Prometheus /metrics \
            (rocketmq_* names as RocketMQ 5.x exports them), /healthz and /readyz.
            Example: comet broker --namesrv 127.0.0.1:9876 --listen 0.0.0.0:10911 --data /var/lib/comet --name broker-a
            Master/slave: brokers with the same --name form a group; brokerId 0 (ASYNC_MASTER or SYNC_MASTER) is the \
            master, brokerId 1.. (brokerRole=SLAVE) copy its commit log over the HA port (haListenPort, default \
            listen port + 1) and serve reads; a slave finds its master through the name servers unless \
            haMasterAddress is set. See README, "Master/slave replication".
            """)

    @Option(help: "Name server addresses, HOST:PORT separated by ';' (namesrvAddr).")
    var namesrv: String?

    @Option(help: "Also serve RocketMQ 5.x gRPC clients (apache.rocketmq.v2) on HOST:PORT, e.g. 0.0.0.0:8081.")
    var grpc: HostAndPort?

    @Option(help: "Serve the dashboard, /metrics, /healthz and /readyz over HTTP on HOST:PORT, e.g. 127.0.0.1:8080.")
    var http: HostAndPort?

    @OptionGroup var broker: BrokerOptions
    @OptionGroup var logging: LoggingOptions

    func run() async throws {
        logging.bootstrap()
        let logger = Logger(label: "comet.broker")
        var nameServers: [HostAndPort]?
        if let namesrv {
            do {
                nameServers = try HostAndPort.parseList(namesrv)
            } catch {
                throw ValidationError("--namesrv: \(error.message)")
            }
        }
        let configuration = try broker.configuration(
            defaultData: defaultDataFolder("broker"), nameServers: nameServers, logger: logger)
        if configuration.nameServers.isEmpty {
            logger.warning("no name server given (--namesrv): clients will not find this broker")
        }
        try await exitOnFailure {
            let http = self.http.map { HTTPSetup(listen: $0) }
            let broker = try Broker(
                configuration: configuration, configFile: self.broker.config, logger: logger,
                metricsFactory: http?.factory)
            var services: [ServiceGroupConfiguration.ServiceConfiguration] = [.init(service: broker)]
            if let http {
                let endpoint = http.endpoint(for: broker, nameServers: configuration.nameServers)
                services.append(.init(service: endpoint))
                services.append(
                    .init(service: DashboardAnnouncer(endpoint: endpoint), successTerminationBehavior: .ignore))
            }
            if let grpc {
                let endpoint = GRPCEndpoint(
                    configuration: GRPCEndpointConfiguration(
                        listen: grpc, advertisedHost: configuration.advertisedHost),
                    broker: broker, logger: Logger(label: "comet.grpc"))
                services.append(.init(service: endpoint))
            }
            let group = ServiceGroup(
                configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
            try await group.run()
        }
    }
}

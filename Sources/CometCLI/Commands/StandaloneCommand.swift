import ArgumentParser
import CometBroker
import CometCore
import CometGRPC
import CometHTTP
import CometNameServer
import Logging
import ServiceLifecycle
import UnixSignals

/// `comet standalone`: a name server and a broker in one process, ready for a newcomer.
struct StandaloneCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "standalone",
        abstract: "Run a name server and a broker in one process (the quickest way to a working system).",
        discussion: """
            Clients use the name server address (default 127.0.0.1:9876); RocketMQ 5.x gRPC clients use \
            --grpc (default 0.0.0.0:8081) as their endpoint. Data lives in --data \
            (default ~/.comet/standalone). The dashboard, Prometheus /metrics, /healthz and /readyz are \
            served on --http (default 127.0.0.1:8080; the URL is printed at start). Stop with Ctrl-C: \
            offsets are saved and the store closes cleanly.
            Example: comet standalone --data /tmp/comet
            """)

    @Option(help: "Name server address, HOST:PORT (port 0 picks a free port).")
    var namesrvListen = HostAndPort(host: "0.0.0.0", port: 9876)

    @Option(help: "Where RocketMQ 5.x gRPC clients connect, HOST:PORT (port 0 picks a free port).")
    var grpc = HostAndPort(host: "0.0.0.0", port: 8081)

    @Flag(help: "Do not serve RocketMQ 5.x gRPC clients.")
    var noGrpc = false

    @Option(
        help: "Serve the dashboard, /metrics, /healthz and /readyz over HTTP on HOST:PORT (port 0 picks a free port).")
    var http = HostAndPort(host: "127.0.0.1", port: 8080)

    @Flag(help: "Do not serve HTTP (no dashboard, no /metrics).")
    var noHttp = false

    @OptionGroup var broker: BrokerOptions
    @OptionGroup var logging: LoggingOptions

    func run() async throws {
        logging.bootstrap()
        let logger = Logger(label: "comet.standalone")
        let brokerConfiguration = try broker.configuration(
            defaultData: defaultDataFolder("standalone"), nameServers: nil, logger: logger)
        try await exitOnFailure {
            let nameServer = try NameServer(
                configuration: NameServerConfiguration(
                    listen: namesrvListen,
                    kvConfigPath: brokerConfiguration.dataDirectory + "/namesrv/kvConfig.json",
                    tls: brokerConfiguration.tls),
                logger: Logger(label: "comet.namesrv"))
            let configFile = broker.config
            let grpc: GRPCEndpointConfiguration? =
                noGrpc
                ? nil : GRPCEndpointConfiguration(listen: grpc, advertisedHost: brokerConfiguration.advertisedHost)
            let http = noHttp ? nil : HTTPSetup(listen: http)
            let service = StandaloneService(nameServer: nameServer, grpc: grpc, http: http) { address in
                var configuration = brokerConfiguration
                configuration.nameServers = [HostAndPort(host: "127.0.0.1", port: address.port)]
                return try Broker(
                    configuration: configuration, configFile: configFile, logger: Logger(label: "comet.broker"),
                    metricsFactory: http?.factory)
            }
            let group = ServiceGroup(
                configuration: .init(
                    services: [.init(service: service)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
            try await group.run()
        }
    }
}

/// Runs the name server, then a broker registered with it (its port is known only once bound).
private struct StandaloneService: Service {
    let nameServer: NameServer
    let grpc: GRPCEndpointConfiguration?
    let http: HTTPSetup?
    let makeBroker: @Sendable (HostAndPort) throws -> Broker

    init(
        nameServer: NameServer, grpc: GRPCEndpointConfiguration?, http: HTTPSetup?,
        makeBroker: @escaping @Sendable (HostAndPort) throws -> Broker
    ) {
        self.nameServer = nameServer
        self.grpc = grpc
        self.http = http
        self.makeBroker = makeBroker
    }

    func run() async throws {
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { try await nameServer.run() }
            let address = HostAndPort(try await nameServer.localAddress)
            let broker = try makeBroker(address)
            group.addTask { try await broker.run() }
            if let grpc {
                let endpoint = GRPCEndpoint(configuration: grpc, broker: broker, logger: Logger(label: "comet.grpc"))
                group.addTask { try await endpoint.run() }
            }
            if let http {
                let endpoint = http.endpoint(
                    for: broker, nameServers: [HostAndPort(host: "127.0.0.1", port: address.port)])
                group.addTask { try await endpoint.run() }
                group.addTask { await printDashboardURL(endpoint) }
            }
        }
    }
}

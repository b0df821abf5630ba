import ArgumentParser
import CometCore
import CometNameServer
import Logging
import ServiceLifecycle
import UnixSignals

/// `comet namesrv`: runs a name server (route registry) until SIGINT or SIGTERM.
struct NamesrvCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "namesrv",
        abstract: "Run a name server: the route registry brokers register with and clients ask for routes.",
        discussion: """
            Several name servers can run side by side; they do not talk to each other. Brokers register \
            with all of them every 30 s and are dropped after --broker-expiry seconds of silence.
            Example: comet namesrv --listen 127.0.0.1:9876
            """)

    @Option(help: "Address to listen on, HOST:PORT (port 0 picks a free port and logs it).")
    var listen = HostAndPort(host: "0.0.0.0", port: 9876)

    @Option(help: "Seconds without a registration after which a broker is dropped.")
    var brokerExpiry: Double = 120

    @Option(help: "Seconds between checks for expired brokers.")
    var scanInterval: Double = 10

    @Option(help: "File where KV configuration persists (RocketMQ kvConfig.json format); memory only if omitted.")
    var kvConfig: String?

    @Option(help: "Largest accepted frame in bytes; bigger frames close the connection.")
    var maxFrameSize: Int = 16 * 1024 * 1024

    @OptionGroup var tls: TLSServerOptions
    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        guard brokerExpiry > 0, scanInterval > 0 else {
            throw ValidationError("--broker-expiry and --scan-interval must be positive")
        }
    }

    func run() async throws {
        logging.bootstrap()
        let logger = Logger(label: "comet.namesrv")
        let configuration = NameServerConfiguration(
            listen: listen, brokerExpiry: .milliseconds(Int64(brokerExpiry * 1000)),
            scanInterval: .milliseconds(Int64(scanInterval * 1000)), kvConfigPath: kvConfig,
            maxFrameLength: maxFrameSize, tls: try tls.apply(to: TLSSettings()))
        try await exitOnFailure {
            let nameServer = try NameServer(configuration: configuration, logger: logger)
            let group = ServiceGroup(
                configuration: .init(
                    services: [.init(service: nameServer)], gracefulShutdownSignals: [.sigterm, .sigint],
                    logger: logger))
            try await group.run()
        }
    }
}

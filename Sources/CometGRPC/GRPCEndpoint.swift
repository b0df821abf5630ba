package import CometBroker
import CometCore
import CometGRPCStubs
import GRPCCore
import GRPCNIOTransportHTTP2Posix
package import Logging
import ServiceLifecycle
import Synchronization

/// The RocketMQ 5.x gRPC endpoint as a `Service` of the broker process: serves
/// `apache.rocketmq.v2.MessagingService` over HTTP/2 (plain text) until graceful shutdown.
///
/// grpc-swift's `GRPCServer` is not a `Service` itself: `run()` wraps `serve()` and maps graceful
/// shutdown to `beginGracefulShutdown()`, which stops accepting and lets open RPCs finish.
package final class GRPCEndpoint: Service {
    private let service: MessagingService
    private let configuration: GRPCEndpointConfiguration
    private let logger: Logger
    private let bound = Mutex<(host: String, port: Int)?>(nil)
    private let tls: TLSSettings
    private let acl: AccessValidator?

    /// An endpoint in front of `broker`'s controller.
    package init(configuration: GRPCEndpointConfiguration, broker: Broker, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        tls = broker.controller.configuration.tls
        acl = broker.acl
        let facade = MessagingFacade(controller: broker.controller)
        service = MessagingService(facade: facade, configuration: configuration, logger: logger)
        let service = self.service
        facade.setTransactionChecker { _, message, commitLogOffset, queueOffset in
            service.checkTransaction(message: message, commitLogOffset: commitLogOffset, queueOffset: queueOffset)
        }
    }

    /// The port the endpoint listens on, once bound.
    package var boundPort: Int? { bound.withLock { $0?.port } }

    package func run() async throws {
        var transportConfig = HTTP2ServerTransport.Posix.Config.defaults
        // Bodies up to the broker's max message size plus properties and framing.
        transportConfig.rpc.maxRequestPayloadSize = max(4 << 20, service.facade.maxMessageSize + (1 << 20))
        let transport = HTTP2ServerTransport.Posix(
            address: .ipv4(host: configuration.listen.host, port: configuration.listen.port),
            transportSecurity: Self.transportSecurity(tls), config: transportConfig)
        var interceptors: [any ServerInterceptor] = [ClientIdentityInterceptor()]
        if let acl { interceptors.append(AccessControlInterceptor(validator: acl)) }
        let server = GRPCServer(transport: transport, services: [service], interceptors: interceptors)
        try await withGracefulShutdownHandler {
            try await withThrowingDiscardingTaskGroup { group in
                group.addTask { try await server.serve() }
                let address = try await transport.listeningAddress
                let port = address.ipv4?.port ?? address.ipv6?.port ?? configuration.listen.port
                let host = configuration.advertisedHost ?? service.facade.advertisedHost
                service.setAdvertisedAddress(host: host, port: port)
                bound.withLock { $0 = (host, port) }
                logger.info(
                    "comet gRPC (RocketMQ 5.x) endpoint listening on \(host):\(port)",
                    metadata: ["tls": "\(tls.acceptsTLS)", "acl": "\(acl != nil)"])
            }
        } onGracefulShutdown: {
            server.beginGracefulShutdown()
        }
    }

    /// The broker's `tls.server.*` settings applied to HTTP/2: any mode but `disabled` serves TLS
    /// (HTTP/2 has no plain-text fallback on a TLS port, so `permissive` means TLS here);
    /// `need.client.auth=require` asks for and verifies a client certificate against the trust file.
    static func transportSecurity(_ tls: TLSSettings) -> HTTP2ServerTransport.Posix.TransportSecurity {
        guard tls.acceptsTLS, let certificate = tls.certificatePath, let key = tls.privateKeyPath else {
            return .plaintext
        }
        let chain: [TLSConfig.CertificateSource] = [.file(path: certificate, format: .pem)]
        let privateKey = TLSConfig.PrivateKeySource.file(path: key, format: .pem)
        guard tls.clientAuth == .require else {
            return .tls(certificateChain: chain, privateKey: privateKey) { $0.requireALPN = false }
        }
        return .mTLS(certificateChain: chain, privateKey: privateKey) { config in
            config.requireALPN = false
            config.clientCertificateVerification = .noHostnameVerification
            if let trust = tls.trustCertificatePath {
                config.trustRoots = .certificates([.file(path: trust, format: .pem)])
            }
        }
    }
}

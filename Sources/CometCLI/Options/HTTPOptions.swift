import CometBroker
import CometCore
import CometHTTP
import CoreMetrics
import Foundation
import Logging
import Prometheus
import ServiceLifecycle

/// The metrics registry and the HTTP endpoint of one process (`--http`).
struct HTTPSetup {
    let registry: PrometheusCollectorRegistry
    let factory: PrometheusMetricsFactory
    let listen: HostAndPort

    init(listen: HostAndPort) {
        registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.valueHistogramBuckets = BrokerMetrics.histogramBuckets
        self.factory = factory
        self.listen = listen
    }

    /// The endpoint serving `broker`'s metrics and health, and the admin API over `nameServers`.
    func endpoint(for broker: Broker, nameServers: [HostAndPort]) -> HTTPEndpoint {
        // With ACL on, the API and pages take an admin account's keys (checked against the broker's ACL).
        var authenticate: HTTPEndpointConfiguration.Authenticator?
        if let acl = broker.acl {
            authenticate = { accessKey, secretKey in
                acl.config.accounts.contains { account in
                    account.admin && account.accessKey == accessKey && account.secretKey == secretKey
                }
            }
        }
        return HTTPEndpoint(
            configuration: HTTPEndpointConfiguration(
                listen: listen, nameServers: nameServers.map(\.description), authenticate: authenticate),
            registry: registry,
            hooks: .init(beforeScrape: { broker.collectMetrics() }, notReady: { broker.notReadyReason }),
            logger: Logger(label: "comet.http"))
    }
}

/// Prints where the dashboard is once the endpoint is listening.
func printDashboardURL(_ endpoint: HTTPEndpoint) async {
    guard let address = try? await endpoint.localAddress else { return }
    let host = address.host == "0.0.0.0" || address.host == "::" ? "127.0.0.1" : address.host
    print("comet dashboard: http://\(HostAndPort(host: host, port: address.port))/")
    fflush(nil)  // tests and scripts read the URL from a pipe
}

/// A service that prints the dashboard URL and ends.
struct DashboardAnnouncer: Service {
    let endpoint: HTTPEndpoint

    func run() async throws { await printDashboardURL(endpoint) }
}

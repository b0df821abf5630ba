import CometClient
package import CometCore
import CompressNIO
import Hummingbird
package import Logging
import NIOCore
package import Prometheus
import ServiceLifecycle
import Synchronization

/// Comet's HTTP endpoint (Hummingbird), a `Service` in the broker's service group:
/// `/metrics` (Prometheus text), `/healthz` (the process is up), `/readyz` (the store is open
/// and the broker registered with its name servers), the JSON admin API under `/api` and its
/// OpenAPI document `/api/openapi.yaml`.
package final class HTTPEndpoint: Service {
    /// What the endpoint asks the process it runs in.
    package struct Hooks: Sendable {
        /// Brings scrape-time gauges up to date (lag, connections, storage) just before `/metrics`.
        package var beforeScrape: @Sendable () -> Void
        /// `nil` when ready to serve, else why not (for `/readyz`).
        package var notReady: @Sendable () -> String?

        package init(beforeScrape: @escaping @Sendable () -> Void, notReady: @escaping @Sendable () -> String?) {
            self.beforeScrape = beforeScrape
            self.notReady = notReady
        }
    }

    private let configuration: HTTPEndpointConfiguration
    private let registry: PrometheusCollectorRegistry
    private let hooks: Hooks
    private let logger: Logger
    private let process: ProcessMetrics
    private let admins: AdminPool
    private let bound = Latch<HostAndPort>()
    /// One scrape at a time: scrape-time gauges are set and swept as a whole.
    private let scrapeLock = Mutex(())

    package init(
        configuration: HTTPEndpointConfiguration, registry: PrometheusCollectorRegistry, hooks: Hooks, logger: Logger
    ) {
        self.configuration = configuration
        self.registry = registry
        self.hooks = hooks
        self.logger = logger
        process = ProcessMetrics(registry: registry)
        admins = AdminPool(
            configuration: ClientConfiguration(nameServers: configuration.nameServers),
            authenticate: configuration.authenticate)
    }

    /// The address the endpoint bound (the real port when configured with port 0).
    package var localAddress: HostAndPort {
        get async throws { try await bound.wait() }
    }

    package func run() async throws {
        let router = Router()
        addRoutes(to: router)
        let bound = self.bound
        let host = configuration.listen.host
        let app = Application(
            router: router,
            configuration: .init(
                address: .hostname(host, port: configuration.listen.port), serverName: "comet"),
            onServerRunning: { channel in
                bound.succeed(HostAndPort(host: host, port: channel.localAddress?.port ?? 0))
            },
            logger: logger)
        do {
            try await app.run()
        } catch {
            bound.fail(error)
            await admins.shutdown()
            throw CometError(.invalidConfiguration, "cannot serve HTTP on \(configuration.listen): \(error)")
        }
        bound.fail(CometError(.shutdown, "the HTTP endpoint stopped"))
        await admins.shutdown()
    }

    private func addRoutes(to router: Router<BasicRequestContext>) {
        AdminAPI(admins: admins).addRoutes(to: router)
        Dashboard.addRoutes(to: router)
        router.get("api/openapi.yaml") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/yaml; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: OpenAPIDocument.yaml)))
        }
        router.get("healthz") { _, _ in "ok\n" }
        router.get("readyz") { [hooks] _, _ -> Response in
            if let reason = hooks.notReady() {
                return Self.text("not ready: \(reason)\n", status: .serviceUnavailable)
            }
            return Self.text("ready\n")
        }
        router.get("metrics") { [self] request, _ -> Response in
            var body = ByteBuffer(bytes: scrape())
            var headers: HTTPFields = [.contentType: "text/plain; version=0.0.4; charset=utf-8"]
            // Prometheus asks for gzip: with many topics the text is megabytes and compresses ~20x.
            if request.headers[.acceptEncoding]?.contains("gzip") == true,
                let compressed = try? body.compress(with: .gzip())
            {
                body = compressed
                headers[.contentEncoding] = "gzip"
            }
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: body))
        }
    }

    /// The Prometheus text of every registered series.
    func scrape() -> [UInt8] {
        scrapeLock.withLock { _ in
            hooks.beforeScrape()
            process.update()
            var buffer: [UInt8] = []
            buffer.reserveCapacity(64 * 1024)
            registry.emit(into: &buffer)
            return buffer
        }
    }

    static func text(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "text/plain; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}

package import CometCore

/// Settings of the gRPC (RocketMQ 5.x) endpoint.
package struct GRPCEndpointConfiguration: Sendable {
    /// Where the endpoint listens (`--grpc H:P`; `comet standalone` defaults to `0.0.0.0:8081`, the
    /// Java proxy's port).
    package var listen: HostAndPort
    /// The host clients are told to use in routes and assignments; defaults to the broker's
    /// advertised host (`brokerIP1`, the listen host, or the first non-loopback IPv4 address).
    package var advertisedHost: String?
    /// Long-polling time consumers are told to use (push consumers read it from the settings).
    package var longPollingTimeout: Duration = .seconds(20)
    /// Invisible time of messages received by clients that do not name one (push consumers).
    package var defaultInvisibleTime: Duration = .seconds(60)
    /// Shortest and longest invisible time a receive may ask for.
    package var invisibleTimeRange: ClosedRange<Duration> = .seconds(1)...Duration.seconds(12 * 3600)
    /// Retry delays push consumers are told to wait before a failed message comes back
    /// (RocketMQ's 1 s 5 s 10 s 30 s 1 m … 2 h by default).
    package var retryDelays: [Duration] = [
        1, 5, 10, 30, 60, 120, 180, 240, 300, 360, 420, 480, 540, 600, 1200, 1800, 3600, 7200,
    ]
    .map { Duration.seconds($0) }

    package init(listen: HostAndPort, advertisedHost: String? = nil) {
        self.listen = listen
        self.advertisedHost = advertisedHost
    }
}

/// What one server accepts from its peers before it pushes back: the bounds that keep memory
/// and file descriptors finite whatever clients do (issue 11).
package struct ConnectionLimits: Sendable, Equatable {
    /// Requests read from one connection but not yet answered; at the bound the server stops
    /// reading that socket until answers go out (TCP back-pressure reaches the client).
    /// Requests from all connections share the same workers, so this also bounds how long one
    /// pipelining client can delay everyone else's requests.
    package var maxInFlightRequestsPerConnection: Int
    /// Open connections; further ones are closed as soon as they are accepted.
    package var maxConnections: Int
    /// A connection with no traffic either way for this long is closed (RocketMQ
    /// `serverChannelMaxIdleTimeSeconds`, default 120 s). `nil` keeps idle connections.
    package var idleTimeout: Duration?
    /// Bytes of not-yet-complete frames buffered across all connections of the server. A
    /// connection whose partial frame would push the total over this is closed.
    package var maxBufferedPartialFrameBytes: Int

    package init(
        maxInFlightRequestsPerConnection: Int = 128, maxConnections: Int = 10_000,
        idleTimeout: Duration? = .seconds(120),
        maxBufferedPartialFrameBytes: Int = 256 * 1024 * 1024
    ) {
        self.maxInFlightRequestsPerConnection = maxInFlightRequestsPerConnection
        self.maxConnections = maxConnections
        self.idleTimeout = idleTimeout
        self.maxBufferedPartialFrameBytes = maxBufferedPartialFrameBytes
    }
}

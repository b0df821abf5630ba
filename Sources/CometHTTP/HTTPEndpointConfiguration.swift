package import CometCore

/// Settings of the HTTP endpoint (`--http`).
package struct HTTPEndpointConfiguration: Sendable {
    /// Where to listen (port 0 picks a free port).
    package var listen: HostAndPort

    package init(listen: HostAndPort) {
        self.listen = listen
    }
}

package import CometCore

/// Settings of the HTTP endpoint (`--http`).
package struct HTTPEndpointConfiguration: Sendable {
    /// Checks an access key and secret key: `true` for an admin account of the ACL.
    package typealias Authenticator = @Sendable (_ accessKey: String, _ secretKey: String) -> Bool

    /// Where to listen (port 0 picks a free port).
    package var listen: HostAndPort
    /// Name servers the admin API asks (`HOST:PORT`).
    package var nameServers: [String]
    /// With ACL on, the API and the pages require an admin account; `nil`: open (ACL off).
    package var authenticate: Authenticator?

    package init(listen: HostAndPort, nameServers: [String] = [], authenticate: Authenticator? = nil) {
        self.listen = listen
        self.nameServers = nameServers
        self.authenticate = authenticate
    }
}

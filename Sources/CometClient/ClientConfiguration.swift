/// Where a client finds the cluster and how it talks to it.
public struct ClientConfiguration: Sendable {
    /// Name server addresses, `host:port`; the client asks them in order and moves on when one fails.
    public var nameServers: [String]
    /// Distinguishes several clients of one process (client id = `ip@instanceName`).
    public var instanceName: String
    /// The address reported in the client id; the first non-loopback IPv4 address when `nil`.
    public var clientIP: String?
    /// Timeout of one request to a broker or name server.
    public var requestTimeout: Duration
    /// How often topic routes are refreshed from the name server.
    public var routeRefreshInterval: Duration
    /// How often the client heartbeats every broker it knows.
    public var heartbeatInterval: Duration
    /// ACL credentials: when set, every request is signed (RocketMQ's plain ACL). Default: none.
    public var credentials: Credentials?
    /// Connect with TLS when set. Default: plaintext.
    public var tls: TLSOptions?

    /// A configuration for the given name servers (e.g. `["127.0.0.1:9876"]`).
    public init(
        nameServers: [String], instanceName: String = "DEFAULT", clientIP: String? = nil,
        requestTimeout: Duration = .seconds(3), routeRefreshInterval: Duration = .seconds(30),
        heartbeatInterval: Duration = .seconds(30)
    ) {
        self.nameServers = nameServers
        self.instanceName = instanceName
        self.clientIP = clientIP
        self.requestTimeout = requestTimeout
        self.routeRefreshInterval = routeRefreshInterval
        self.heartbeatInterval = heartbeatInterval
    }

    /// Parses RocketMQ's `namesrvAddr` form: `host:port;host:port`.
    public init(namesrvAddr: String, instanceName: String = "DEFAULT") {
        self.init(
            nameServers: namesrvAddr.split(separator: ";").map { $0.filter { $0 != " " && $0 != "\t" } }
                .filter { !$0.isEmpty },
            instanceName: instanceName)
    }
}

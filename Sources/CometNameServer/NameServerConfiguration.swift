package import CometCore
import CometProtocol

/// Settings of a name server, with RocketMQ's defaults.
package struct NameServerConfiguration: Sendable {
    /// Where clients and brokers connect (default `0.0.0.0:9876`).
    package var listen: HostAndPort
    /// A broker that has not registered for this long is dropped (default 120 s).
    package var brokerExpiry: Duration
    /// How often expiry is checked (default 10 s).
    package var scanInterval: Duration
    /// Where KV configuration persists; `nil` keeps it in memory.
    package var kvConfigPath: String?
    /// Largest accepted frame (default 16 MiB).
    package var maxFrameLength: Int
    /// TLS on the port (RocketMQ's `tls.server.*`); disabled by default. Upstream's name server has no ACL.
    package var tls: TLSSettings

    package init(
        listen: HostAndPort = HostAndPort(host: "0.0.0.0", port: 9876), brokerExpiry: Duration = .seconds(120),
        scanInterval: Duration = .seconds(10), kvConfigPath: String? = nil,
        maxFrameLength: Int = RemotingFrameDecoder.defaultMaxFrameLength, tls: TLSSettings = TLSSettings()
    ) {
        self.tls = tls
        self.listen = listen
        self.brokerExpiry = brokerExpiry
        self.scanInterval = scanInterval
        self.kvConfigPath = kvConfigPath
        self.maxFrameLength = maxFrameLength
    }

    /// Rejects values that cannot work, with a message for the operator.
    package func validate() throws(CometError) {
        guard brokerExpiry > .zero else {
            throw CometError(.invalidConfiguration, "broker expiry must be positive")
        }
        guard scanInterval > .zero else {
            throw CometError(.invalidConfiguration, "scan interval must be positive")
        }
        guard maxFrameLength >= 1024 else {
            throw CometError(.invalidConfiguration, "max frame length must be at least 1024 bytes")
        }
        try tls.validate()
    }
}

extension NameServerConfiguration {
    /// Keys UPDATE_NAMESRV_CONFIG may not change (RocketMQ's `configBlackList`).
    static let updateBlackList: Set<String> = ["configBlackList", "configStorePath", "kvConfigPath"]

    /// The settings under RocketMQ's key names (GET_NAMESRV_CONFIG).
    var properties: [String: String] {
        func millis(_ d: Duration) -> String {
            String(d.components.seconds * 1000 + d.components.attoseconds / 1_000_000_000_000_000)
        }
        return [
            "listenPort": String(listen.port), "kvConfigPath": kvConfigPath ?? "",
            "scanNotActiveBrokerInterval": millis(scanInterval), "brokerChannelExpiredTime": millis(brokerExpiry),
            "orderMessageEnable": "true", "clusterTest": "false",
            "configBlackList": "configBlackList;configStorePath;kvConfigPath",
        ]
    }
}

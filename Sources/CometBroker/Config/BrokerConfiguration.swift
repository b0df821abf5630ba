package import CometCore
package import CometRemoting
package import CometStore

/// Settings of a broker, with RocketMQ's defaults. Build one from flags and/or a `broker.conf`
/// (see ``BrokerConfiguration/apply(properties:)``), then ``validate()`` once at start-up.
package struct BrokerConfiguration: Sendable {
    /// `brokerClusterName` (default `DefaultCluster`).
    package var clusterName = "DefaultCluster"
    /// `brokerName` (default `broker-a`); master and slaves of one shard share it.
    package var brokerName = "broker-a"
    /// `brokerId`: 0 is the master, ≥ 1 a slave.
    package var brokerId: Int64 = 0
    /// `namesrvAddr`: every name server to register with.
    package var nameServers: [HostAndPort] = []
    /// Where clients connect (`listenPort` sets the port; default `0.0.0.0:10911`).
    package var listen = HostAndPort(host: "0.0.0.0", port: 10911)
    /// `brokerIP1`: the host advertised to name servers and written as STOREHOST. When unset, the
    /// listen host is used, or the first non-loopback IPv4 address when listening on all interfaces.
    package var advertisedHost: String?
    /// Storage settings (`storePathRootDir`, `mappedFileSizeCommitLog`, `flushDiskType`, ...).
    package var store: MessageStoreConfiguration
    /// `autoCreateTopicEnable`: create unknown topics on first send from the default topic.
    package var autoCreateTopicEnable = true
    /// `defaultTopicQueueNums`: queues of auto-created topics (capped by the client's request).
    package var defaultTopicQueueNums: Int32 = 8
    /// `autoCreateSubscriptionGroup`.
    package var autoCreateSubscriptionGroup = true
    /// `brokerPermission` (default read + write).
    package var brokerPermission: Permission = .readWrite
    /// `registerNameServerPeriod`: how often to re-register (default 30 s, clamped to 10…60 s).
    package var registerInterval: Duration = .seconds(30)
    /// `longPollingEnable`: hold empty pulls until a message arrives (default true).
    package var longPollingEnabled = true
    /// `shortPollingTimeMills`: how long an empty pull is held when long polling is off.
    package var shortPollingTime: Duration = .seconds(1)
    /// Clients silent for this long are dropped (default 120 s).
    package var clientExpiry: Duration = .seconds(120)
    /// `flushConsumerOffsetInterval` (default 5 s).
    package var offsetFlushInterval: Duration = .seconds(5)
    /// Orderly-consumer queue locks expire after this (default 60 s).
    package var lockExpiry: Duration = .seconds(60)
    /// Largest accepted frame (16 MiB).
    package var maxFrameLength = 16 * 1024 * 1024
    /// Bounds on connections and what each may hold (`serverChannelMaxIdleTimeSeconds`,
    /// `serverMaxConnections`, `serverMaxInFlightRequests`, `serverMaxBufferedPartialFrameBytes`).
    package var connectionLimits = ConnectionLimits()
    /// `waitTimeMillsInSendQueue`: a send that waited longer than this before the broker got to
    /// it is answered SYSTEM_BUSY `[TIMEOUT_CLEAN_QUEUE]broker busy` so the client retries
    /// elsewhere. Default 1 s, not RocketMQ's 200 ms: Comet's queue is the task scheduler, so a
    /// short stall of the whole process (an fsync, a loaded machine) counts as waiting too.
    package var waitTimeInSendQueue: Duration = .seconds(1)
    /// `messageDelayLevel`: the delays of levels 1, 2, … (default 18 levels, 1 s … 2 h).
    package var messageDelayLevel = DelayLevelTable.defaultLevels
    /// `timerWheelEnable`: accept deliver-at (timer) messages (default true).
    package var timerWheelEnabled = true
    /// `timerMaxDelaySec`: longest deliver-at delay (default 3 days).
    package var timerMaxDelay: Duration = .seconds(3 * 86_400)
    /// `transactionCheckInterval`: how often unresolved half messages are checked (default 60 s).
    package var transactionCheckInterval: Duration = .seconds(60)
    /// `transactionTimeOut`: age before a half message is first checked (default 6 s).
    package var transactionTimeout: Duration = .seconds(6)
    /// `transactionCheckMax`: checks before a half message is discarded (default 15).
    package var transactionCheckMax: Int32 = 15
    /// Plain ACL (`aclEnable`, `--acl FILE`); off by default. See ``ACLSettings``.
    package var acl = ACLSettings()
    /// TLS on the remoting port (`tls.server.*`, `--tls-*`); disabled by default.
    package var tls = TLSSettings()
    /// Master/slave replication (`brokerRole`, `haListenPort`, `haMasterAddress`, ...).
    package var replication = ReplicationSettings()

    /// The role in force: `brokerRole`, or from `brokerId` when that is unset.
    package var role: BrokerRole { replication.effectiveRole(brokerId: brokerId) }

    package init(dataDirectory: String) {
        store = MessageStoreConfiguration(rootDirectory: dataDirectory)
    }

    /// The data folder (`storePathRootDir`).
    package var dataDirectory: String {
        get { store.rootDirectory }
        set { store.rootDirectory = newValue }
    }

    /// Where broker metadata (topics, offsets, groups) is kept.
    package var configDirectory: String { dataDirectory + "/config" }

    /// Rejects settings that cannot work, with a message for the operator.
    package func validate() throws(CometError) {
        guard !clusterName.isEmpty, !brokerName.isEmpty else {
            throw CometError(.invalidConfiguration, "brokerClusterName and brokerName must not be empty")
        }
        do {
            try TopicValidator.validate(brokerName)
            try TopicValidator.validate(clusterName)
        } catch {
            throw CometError(
                .invalidConfiguration, "broker and cluster names must match [%|a-zA-Z0-9_-]+: \(error.message)")
        }
        _ = try DelayLevelTable(parsing: messageDelayLevel)
        guard brokerId >= 0 else { throw CometError(.invalidConfiguration, "brokerId must be 0 (master) or positive") }
        try replication.validate(brokerId: brokerId, listenPort: listen.port)
        guard (1...1024).contains(defaultTopicQueueNums) else {
            throw CometError(.invalidConfiguration, "defaultTopicQueueNums must be between 1 and 1024")
        }
        do {
            try store.validate()
        } catch {
            throw CometError(.invalidConfiguration, "store: \(error.message)")
        }
        try tls.validate()
        _ = try acl.resolvedFile()
    }
}

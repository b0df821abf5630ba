import CometCore
import CometRemoting
import CometStore

extension BrokerConfiguration {
    /// Keys UPDATE_BROKER_CONFIG may never change (RocketMQ's default `configBlackList` plus the
    /// paths Comet derives everything from).
    static let updateBlackList: Set<String> = [
        "configBlackList", "brokerConfigPath", "rocketmqHome", "storePathRootDir",
    ]

    /// Keys whose new value takes effect only after a restart (they shape sockets, files or names
    /// fixed at start-up); UPDATE_BROKER_CONFIG persists them and says so in its log.
    static let restartKeys: Set<String> = [
        "brokerClusterName", "brokerName", "brokerId", "namesrvAddr", "listenPort", "brokerIP1",
        "mappedFileSizeCommitLog", "mapedFileSizeCommitLog", "mappedFileSizeConsumeQueue", "flushDiskType",
        "flushIntervalCommitLog", "syncFlushTimeout", "deleteWhen", "fileReservedTime", "diskMaxUsedSpaceRatio",
        "messageIndexEnable", "checkCRCOnRecover", "maxTransferBytesOnMessageInMemory",
        "maxTransferCountOnMessageInMemory", "messageDelayLevel", "timerWheelEnable", "timerMaxDelaySec",
        "transactionCheckInterval", "transactionTimeOut", "transactionCheckMax", "brokerRole",
        "registerNameServerPeriod", "flushConsumerOffsetInterval", "defaultTopicQueueNums",
        "autoCreateSubscriptionGroup", "maxMessageSize", "serverChannelMaxIdleTimeSeconds", "serverMaxConnections",
        "serverMaxInFlightRequests", "serverMaxBufferedPartialFrameBytes", "haListenPort", "haMasterAddress",
        "brokerIP2", "haSendHeartbeatInterval", "haHousekeepingInterval", "haTransferBatchSize",
        "haSlaveFallbehindMax", "slaveTimeout", "slaveReadEnable", "accessMessageInMemoryMaxRatio",
    ]

    /// Every setting as RocketMQ's key and its value text (GET_BROKER_CONFIG, the persisted file).
    /// (`haListenPort` only when set: its default follows `listenPort`.)
    package var properties: [(key: String, value: String)] {
        func millis(_ d: Duration) -> String {
            String(d.components.seconds * 1000 + d.components.attoseconds / 1_000_000_000_000_000)
        }
        var list: [(key: String, value: String)] = [
            ("brokerClusterName", clusterName), ("brokerName", brokerName), ("brokerId", String(brokerId)),
            ("namesrvAddr", nameServers.map(\.description).joined(separator: ";")),
            ("listenPort", String(listen.port)), ("brokerIP1", advertisedHost ?? ""),
            ("storePathRootDir", dataDirectory), ("storePathCommitLog", dataDirectory + "/commitlog"),
            ("mappedFileSizeCommitLog", String(store.commitLogSegmentSize)),
            ("mappedFileSizeConsumeQueue", String(store.consumeQueueEntriesPerSegment * 20)),
            ("flushDiskType", store.flushMode == .sync ? "SYNC_FLUSH" : "ASYNC_FLUSH"),
            ("flushIntervalCommitLog", millis(store.asyncFlushInterval)),
            ("syncFlushTimeout", millis(store.syncFlushTimeout)), ("brokerRole", role.rawValue),
            ("autoCreateTopicEnable", String(autoCreateTopicEnable)),
            ("autoCreateSubscriptionGroup", String(autoCreateSubscriptionGroup)),
            ("defaultTopicQueueNums", String(defaultTopicQueueNums)),
            ("deleteWhen", store.deleteWhenHours.sorted().map { $0 < 10 ? "0\($0)" : "\($0)" }.joined(separator: ";")),
            ("fileReservedTime", String(store.fileReservedTime.components.seconds / 3600)),
            ("maxMessageSize", String(store.maxMessageSize)),
            ("diskMaxUsedSpaceRatio", String(Int((store.diskMaxUsedSpaceRatio * 100).rounded()))),
            ("messageIndexEnable", String(store.indexEnabled)),
            ("checkCRCOnRecover", String(store.verifyCRCOnRecovery)),
            ("longPollingEnable", String(longPollingEnabled)), ("shortPollingTimeMills", millis(shortPollingTime)),
            ("brokerPermission", String(brokerPermission.rawValue)),
            ("registerNameServerPeriod", millis(registerInterval)),
            ("flushConsumerOffsetInterval", millis(offsetFlushInterval)),
            ("maxTransferBytesOnMessageInMemory", String(store.maxTransferBytesInMemory)),
            ("maxTransferCountOnMessageInMemory", String(store.maxTransferCountInMemory)),
            ("messageDelayLevel", messageDelayLevel), ("timerWheelEnable", String(timerWheelEnabled)),
            ("timerMaxDelaySec", String(timerMaxDelay.components.seconds)),
            ("transactionCheckInterval", millis(transactionCheckInterval)),
            ("transactionTimeOut", millis(transactionTimeout)), ("transactionCheckMax", String(transactionCheckMax)),
            ("waitTimeMillsInSendQueue", millis(waitTimeInSendQueue)),
            ("serverChannelMaxIdleTimeSeconds", String(connectionLimits.idleTimeout?.components.seconds ?? 0)),
            ("serverMaxConnections", String(connectionLimits.maxConnections)),
            ("serverMaxInFlightRequests", String(connectionLimits.maxInFlightRequestsPerConnection)),
            ("serverMaxBufferedPartialFrameBytes", String(connectionLimits.maxBufferedPartialFrameBytes)),
            ("haMasterAddress", replication.haMasterAddress ?? ""), ("brokerIP2", replication.haAdvertisedHost ?? ""),
            ("haSendHeartbeatInterval", millis(replication.heartbeatInterval)),
            ("haHousekeepingInterval", millis(replication.housekeepingInterval)),
            ("haTransferBatchSize", String(replication.transferBatchSize)),
            ("haSlaveFallbehindMax", String(replication.slaveFallbehindMax)),
            ("slaveTimeout", millis(replication.slaveTimeout)),
            ("slaveReadEnable", String(replication.slaveReadEnable)),
            ("accessMessageInMemoryMaxRatio", String(Int((store.accessMessageInMemoryMaxRatio * 100).rounded()))),
            ("enablePropertyFilter", "true"), ("configBlackList", "configBlackList;brokerConfigPath"),
        ]
        if let port = replication.haListenPort { list.append(("haListenPort", String(port))) }
        return list
    }
}

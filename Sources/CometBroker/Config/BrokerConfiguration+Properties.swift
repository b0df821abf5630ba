package import CometCore
import CometRemoting
import CometStore

extension BrokerConfiguration {
    /// Keys of RocketMQ's broker.conf that Comet accepts but has no use for; they are reported.
    static let ignoredKeys: Set<String> = [
        "sendMessageThreadPoolNums", "pullMessageThreadPoolNums",
        "useReentrantLockWhenPutMessage", "transientStorePoolEnable", "warmMapedFileEnable",
        "storePathConsumeQueue", "storePathIndex", "storeCheckpoint", "abortFile", "enablePropertyFilter",
        "traceTopicEnable", "osPageCacheBusyTimeOutMills",
        "maxTransferCountOnMessageInDisk", "maxTransferBytesOnMessageInDisk", "fetchNamesrvAddrByAddressServer",
        "enableDLegerCommitLog", "clientManageThreadPoolNums", "maxOffsetReportRetryTimes",
    ]

    /// Applies RocketMQ `broker.conf` keys, read as `java.util.Properties` does (`key=value`,
    /// `key: value` or `key value`; `#`/`!` comments; `\` continues a line).
    ///
    /// Returns one warning per key that is recognised but ignored or unknown, so operators
    /// migrating a config see what Comet does not honour. Invalid values are errors.
    package mutating func apply(properties text: String) throws(CometError) -> [String] {
        var warnings: [String] = []
        for entry in JavaProperties.parse(text) {
            if let warning = try apply(key: entry.key, value: entry.value.trimmingCharacters(in: " "), line: entry.line)
            {
                warnings.append(warning)
            }
        }
        return warnings
    }

    private mutating func apply(key: String, value: String, line: Int) throws(CometError) -> String? {
        func bad(_ expected: String) -> CometError {
            CometError(.invalidConfiguration, "line \(line): \(key)=\(value): expected \(expected)")
        }
        func int(_ range: ClosedRange<Int64> = 0...Int64.max) throws(CometError) -> Int64 {
            guard let v = Int64(value), range.contains(v) else { throw bad("an integer in \(range)") }
            return v
        }
        func bool() throws(CometError) -> Bool {
            switch value.lowercased() {
            case "true": return true
            case "false": return false
            default: throw bad("true or false")
            }
        }
        switch key {
        case "brokerClusterName": clusterName = value
        case "brokerName": brokerName = value
        case "brokerId": brokerId = try int()
        case "namesrvAddr": nameServers = try HostAndPort.parseList(value)
        case "listenPort": listen.port = Int(try int(0...65535))
        case "brokerIP1": advertisedHost = value
        case "storePathRootDir": dataDirectory = value
        case "storePathCommitLog":
            guard value == dataDirectory + "/commitlog" else {
                return
                    "storePathCommitLog is not supported: the commit log always lives in <storePathRootDir>/commitlog"
            }
        // RocketMQ 4.x's misspelt `mapedFileSizeCommitLog` is still found in old broker.conf files.
        case "mappedFileSizeCommitLog", "mapedFileSizeCommitLog":
            store.commitLogSegmentSize = Int(try int(4096...Int64(Int32.max)))
        case "mappedFileSizeConsumeQueue":
            store.consumeQueueEntriesPerSegment = Int(max(1, try int(20...Int64.max) / 20))
        case "flushDiskType":
            switch value {
            case "ASYNC_FLUSH": store.flushMode = .async
            case "SYNC_FLUSH": store.flushMode = .sync
            default: throw bad("ASYNC_FLUSH or SYNC_FLUSH")
            }
        case "flushIntervalCommitLog": store.asyncFlushInterval = .milliseconds(try int(1...600_000))
        case "syncFlushTimeout": store.syncFlushTimeout = .milliseconds(try int(1...600_000))
        case "brokerRole":
            guard let role = BrokerRole(rawValue: value) else { throw bad("ASYNC_MASTER, SYNC_MASTER or SLAVE") }
            replication.role = role
        case "haListenPort": replication.haListenPort = Int(try int(0...65535))
        case "haMasterAddress": replication.haMasterAddress = value.isEmpty ? nil : value
        case "brokerIP2": replication.haAdvertisedHost = value.isEmpty ? nil : value
        case "haSendHeartbeatInterval": replication.heartbeatInterval = .milliseconds(try int(100...600_000))
        case "haHousekeepingInterval": replication.housekeepingInterval = .milliseconds(try int(1000...3_600_000))
        case "haTransferBatchSize": replication.transferBatchSize = Int(try int(1024...64 * 1024 * 1024))
        case "haSlaveFallbehindMax": replication.slaveFallbehindMax = try int(0...Int64.max)
        case "slaveTimeout": replication.slaveTimeout = .milliseconds(try int(1...600_000))
        case "slaveReadEnable": replication.slaveReadEnable = try bool()
        case "accessMessageInMemoryMaxRatio": store.accessMessageInMemoryMaxRatio = Double(try int(0...100)) / 100
        case "autoCreateTopicEnable": autoCreateTopicEnable = try bool()
        case "autoCreateSubscriptionGroup": autoCreateSubscriptionGroup = try bool()
        case "defaultTopicQueueNums": defaultTopicQueueNums = Int32(try int(1...1024))
        case "deleteWhen":
            var hours: Set<Int> = []
            for part in value.split(separator: ";") {
                guard let h = Int(part.trimmingCharacters(in: " ")), (0...23).contains(h) else {
                    throw bad("hours 00-23 separated by ';'")
                }
                hours.insert(h)
            }
            store.deleteWhenHours = hours
        case "fileReservedTime": store.fileReservedTime = .seconds(try int(1...100_000) * 3600)
        case "maxMessageSize": store.maxMessageSize = Int(try int(1024...Int64(Int32.max)))
        case "diskMaxUsedSpaceRatio": store.diskMaxUsedSpaceRatio = Double(try int(10...95)) / 100
        case "messageIndexEnable": store.indexEnabled = try bool()
        case "checkCRCOnRecover": store.verifyCRCOnRecovery = try bool()
        case "longPollingEnable": longPollingEnabled = try bool()
        case "shortPollingTimeMills": shortPollingTime = .milliseconds(try int(1...60_000))
        case "brokerPermission": brokerPermission = Permission(rawValue: Int32(try int(0...15)))
        case "registerNameServerPeriod": registerInterval = .milliseconds(min(60_000, max(10_000, try int())))
        case "flushConsumerOffsetInterval": offsetFlushInterval = .milliseconds(try int(100...600_000))
        case "maxTransferBytesOnMessageInMemory": store.maxTransferBytesInMemory = Int(try int(1024...Int64.max))
        case "maxTransferCountOnMessageInMemory": store.maxTransferCountInMemory = Int(try int(1...Int64.max))
        case "messageDelayLevel":
            _ = try DelayLevelTable(parsing: value)
            messageDelayLevel = value
        case "timerWheelEnable": timerWheelEnabled = try bool()
        case "timerMaxDelaySec": timerMaxDelay = .seconds(try int(1...Int64(Int32.max)))
        case "transactionCheckInterval": transactionCheckInterval = .milliseconds(try int(100...86_400_000))
        case "transactionTimeOut": transactionTimeout = .milliseconds(try int(0...86_400_000))
        case "transactionCheckMax": transactionCheckMax = Int32(try int(0...10_000))
        case "aclEnable": acl.enabled = try bool()
        case "rocketmqHome": acl.rocketmqHome = value
        case _ where key.hasPrefix("tls."):
            if !tls.apply(key: key, value: value) {
                return "broker.conf key '\(key)' is accepted but has no effect in Comet"
            }
        case "brokerConfigPath", "configBlackList": break
        case "waitTimeMillsInSendQueue": waitTimeInSendQueue = .milliseconds(try int(0...600_000))
        case "serverChannelMaxIdleTimeSeconds":
            let seconds = try int(0...86_400)
            connectionLimits.idleTimeout = seconds == 0 ? nil : .seconds(seconds)
        case "serverMaxConnections": connectionLimits.maxConnections = Int(try int(1...1_000_000))
        case "serverMaxInFlightRequests":
            connectionLimits.maxInFlightRequestsPerConnection = Int(try int(1...1_000_000))
        case "serverMaxBufferedPartialFrameBytes":
            connectionLimits.maxBufferedPartialFrameBytes = Int(try int(1024...Int64(Int32.max) * 16))
        default:
            if Self.ignoredKeys.contains(key) {
                return "broker.conf key '\(key)' is accepted but has no effect in Comet"
            }
            return "unknown broker.conf key '\(key)' (line \(line)) is ignored"
        }
        return nil
    }
}

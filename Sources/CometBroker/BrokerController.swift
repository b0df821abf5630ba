package import CometCore
import CometProtocol
import CometRemoting
package import CometStore
package import CoreMetrics
package import Logging
package import NIOCore
import NIOPosix
import Synchronization

/// Everything a broker's request processors share: configuration, metadata managers, client
/// tables, long-poll holds and (once opened) the message store.
package final class BrokerController: Sendable {
    /// The settings now in force: UPDATE_BROKER_CONFIG changes them while the broker runs (see
    /// ``BrokerConfigManager``); what is captured at start-up (ports, store layout) waits for a restart.
    package var configuration: BrokerConfiguration { brokerConfig.current }
    /// Runtime configuration changes and their persistence.
    package let brokerConfig: BrokerConfigManager
    /// Measured put/get statistics.
    package let stats: BrokerStatsManager
    /// The `rocketmq_*` metrics, when the broker was given a metrics factory (`--http`); `nil`
    /// costs the send and pull paths nothing.
    package let metrics: BrokerMetrics?
    package let logger: Logger
    package let clock: WallClock
    package let topics: TopicConfigManager
    package let offsets: ConsumerOffsetManager
    package let groups: SubscriptionGroupManager
    package let consumers = ConsumerManager()
    package let producers = ProducerManager()
    package let pullHolds = PullRequestHoldService()
    /// Compiled SQL92 subscriptions (see ``SQLFilterCache``).
    package let sqlFilters = SQLFilterCache()
    /// Where delayed, timer and half messages are held until due (delay levels, timer limits).
    package let scheduler: MessageScheduler
    /// Half messages, END_TRANSACTION and check-back.
    package let transactions: TransactionalMessageService
    /// Wakes the delay, timer and transaction loops when their topics get records.
    package let heldMessages = HeldMessageSignals()
    /// POP consumption (receipt handles, invisible time) for gRPC consumers.
    package let pop: PopService
    /// Master/slave replication: role, HA port, slaves or the copy from the master.
    package let replication: ReplicationService
    /// Timer messages recalled before they were due (v5 RecallMessage).
    package let timerRecalls = TimerRecalls()
    let locks: Mutex<RebalanceLockTable>
    private let opened = Mutex<(store: MessageStore, address: String)?>(nil)
    /// Resolves with the broker's address once its store is open and its first registration round
    /// with the name servers has finished; fails if the broker stops before that. Tests and benches
    /// wait on it instead of polling for an address.
    package let ready = Latch<String>()
    private let scheduleService = Mutex<ScheduleMessageService?>(nil)
    private let registrationRequests: AsyncStream<Void>.Continuation
    /// Yields whenever topics change, so the registrar re-registers at once.
    let registrationTriggers: AsyncStream<Void>

    package init(
        configuration: BrokerConfiguration, configFile: String? = nil, clock: WallClock = .system, logger: Logger,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        metricsFactory: (any MetricsFactory)? = nil
    ) throws(CometError) {
        try configuration.validate()
        replication = ReplicationService(configuration: configuration, logger: logger, group: eventLoopGroup)
        metrics = metricsFactory.map {
            BrokerMetrics(factory: $0, clusterName: configuration.clusterName, brokerName: configuration.brokerName)
        }
        brokerConfig = BrokerConfigManager(configuration, file: configFile)
        stats = BrokerStatsManager(clusterName: configuration.clusterName, clock: clock)
        self.logger = logger
        self.clock = clock
        topics = try TopicConfigManager(configuration: configuration, clock: clock)
        offsets = try ConsumerOffsetManager(configDirectory: configuration.configDirectory)
        groups = try SubscriptionGroupManager(
            configDirectory: configuration.configDirectory, autoCreate: configuration.autoCreateSubscriptionGroup,
            clock: clock)
        locks = Mutex(RebalanceLockTable(expiryMillis: Int64(configuration.lockExpiry.components.seconds) * 1000))
        (registrationTriggers, registrationRequests) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
        scheduler = MessageScheduler(
            levels: try DelayLevelTable(parsing: configuration.messageDelayLevel),
            timerEnabled: configuration.timerWheelEnabled,
            timerMaxDelayMillis: configuration.timerMaxDelay.components.seconds * 1000)
        pop = try PopService(
            configDirectory: configuration.configDirectory, offsets: offsets, clock: clock, logger: logger)
        transactions = TransactionalMessageService(
            .init(
                configuration: configuration, scheduler: scheduler, producers: producers, topics: topics, clock: clock,
                logger: logger, arrivals: heldMessages.transactions))
        let topics = self.topics
        let requests = registrationRequests
        pop.setDeadLetterTopicMaker { group throws(CometError) in
            let (_, created) = try topics.createIfAbsent(
                TopicConfig(topicName: TopicConfigManager.dlqPrefix + group, readQueueNums: 1, writeQueueNums: 1))
            if created { requests.yield() }
        }
    }

    /// The store, once the broker has opened it; requests before that are answered "busy".
    package var store: MessageStore? { opened.withLock { $0?.store } }

    /// The `ip:port` clients reach this broker at (also its STOREHOST), once known.
    package var address: String? { opened.withLock { $0?.address } }

    /// The delay-level service, once started (GET_ALL_DELAY_OFFSET).
    package var schedule: ScheduleMessageService? { scheduleService.withLock { $0 } }

    func didStart(schedule: ScheduleMessageService) {
        scheduleService.withLock { $0 = schedule }
    }

    /// Records the open store and the address clients reach the broker at. ``Broker`` calls it at
    /// start-up; unit tests call it with a store they opened to drive ``BrokerProcessor`` directly.
    package func didOpen(store: MessageStore, address: String) {
        opened.withLock { $0 = (store, address) }
    }

    /// Asks the registrar to register with the name servers now (topics changed).
    func topicsChanged() {
        registrationRequests.yield()
    }

    func finishRegistrationTriggers() {
        registrationRequests.finish()
    }

    /// Tells every member of `group` to rebalance (oneway NOTIFY_CONSUMER_IDS_CHANGED).
    func notifyConsumerIdsChanged(_ group: String) {
        guard let info = consumers.group(group), (try? groups.group(group))??.notifyConsumerIdsChangedEnable ?? true
        else { return }
        for channel in info.channels.values {
            var request = RemotingCommand.request(
                .notifyConsumerIdsChanged, header: ConsumerGroupHeader(consumerGroup: group), oneway: true)
            request.opaque = 0
            channel.connection.write(request)
        }
        logger.debug(
            "notified consumers of group change", metadata: ["group": "\(group)", "members": "\(info.channels.count)"])
    }

    /// Creates `%RETRY%<group>` if needed, the topic a group's failed messages come back on.
    func ensureRetryTopic(for group: String) throws(CometError) {
        let config = try groups.group(group)
        let queues = max(1, config?.retryQueueNums ?? 1)
        let (_, created) = try topics.createIfAbsent(
            TopicConfig(
                topicName: TopicConfigManager.retryPrefix + group, readQueueNums: queues, writeQueueNums: queues))
        if created { topicsChanged() }
    }
}

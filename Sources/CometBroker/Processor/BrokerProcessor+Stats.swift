import CometCore
import CometProtocol
import CometRemoting
import CometStore

extension BrokerProcessor {
    /// GET_BROKER_RUNTIME_INFO (28): `KVTable` of measured figures under RocketMQ's keys
    /// (`AdminBrokerProcessor.prepareRuntimeInfo`), which `mqadmin clusterList` and the dashboard parse.
    func runtimeInfo(_ request: RemotingCommand, store: MessageStore) -> RemotingCommand {
        var table = controller.stats.runtimeInfo()
        table["brokerVersionDesc"] = "V4_9_8"
        table["brokerVersion"] = "\(CometVersion.remotingVersion)"
        // Requests are not queued behind thread pools: each runs as its own task when it arrives.
        for pool in ["send", "pull", "query"] {
            table["\(pool)ThreadPoolQueueSize"] = "0"
            table["\(pool)ThreadPoolQueueHeadWaitTimeMills"] = "0"
        }
        table["sendThreadPoolQueueCapacity"] = "10000"
        table["pullThreadPoolQueueCapacity"] = "100000"
        table["queryThreadPoolQueueCapacity"] = "20000"
        table["EndTransactionQueueSize"] = "0"
        table["EndTransactionThreadPoolQueueCapacity"] = "100000"
        table["pageCacheLockTimeMills"] = "0"
        table["dispatchBehindBytes"] = "0"
        table["remainTransientStoreBufferNumbs"] = "2147483647"
        table["remainHowManyDataToFlush"] = "0 B"
        table["startAcceptSendRequestTimeStamp"] = table["bootTimestamp"]
        table.merge(controller.replication.runtimeInfo(logEnd: store.commitLogMaxOffset)) { _, new in new }
        table["commitLogMinOffset"] = "\(store.commitLogMinOffset)"
        table["commitLogMaxOffset"] = "\(store.commitLogMaxOffset)"
        table["earliestMessageTimeStamp"] =
            "\(store.lookMessage(commitLogOffset: store.commitLogMinOffset)?.storeTimestamp ?? 0)"
        let ratio = store.checkDiskSpace().map { ($0 * 100).rounded(.up) / 100 } ?? -1
        table["commitLogDiskRatio"] = "\(ratio)"
        table["commitLogDiskRatio_\(store.configuration.rootDirectory)/commitlog"] = "\(ratio)"
        table["consumeQueueDiskRatio"] = "\(ratio)"
        if let schedule = controller.schedule {
            let delayTopic = "SCHEDULE_TOPIC_XXXX"
            for level in 1...max(1, controller.scheduler.levels.maxLevel) {
                let maxOffset = store.maxOffset(topic: delayTopic, queueID: level - 1)
                table["scheduleMessageOffset_\(level)"] = "\(schedule.offset(level: level)),\(maxOffset)"
            }
        }
        return .response(to: request, body: KVTable(table: table).encoded())
    }

    /// GET_TOPIC_STATS_INFO (202): min/max offset and last store time of each write queue.
    func topicStats(_ request: RemotingCommand, store: MessageStore) throws -> RemotingCommand {
        let header = try request.decodeHeader(TopicRequestHeader.self)
        guard let config = controller.topics.topic(header.topic) else {
            return .response(to: request, code: .topicNotExist, remark: "topic[\(header.topic)] not exist")
        }
        var table: [MessageQueue: TopicOffset] = [:]
        for queueId in 0..<max(0, config.writeQueueNums) {
            let minOffset = max(0, store.minOffset(topic: header.topic, queueID: queueId))
            let maxOffset = max(0, store.maxOffset(topic: header.topic, queueID: queueId))
            let last =
                maxOffset > 0
                ? store.storeTimestamp(topic: header.topic, queueID: queueId, offset: maxOffset - 1) ?? 0 : 0
            table[
                MessageQueue(topic: header.topic, brokerName: controller.configuration.brokerName, queueId: queueId)] =
                TopicOffset(minOffset: minOffset, maxOffset: maxOffset, lastUpdateTimestamp: last)
        }
        return .response(to: request, body: TopicStatsTable(offsetTable: QueueKeyedMap(table)).encoded())
    }

    /// The stats of `group` on `topic`, or `nil` when the topic has no configuration or the group is
    /// online without subscribing to it (RocketMQ skips both).
    func consumeStats(
        group: String, topic: String, store: MessageStore, queues: (TopicConfig) -> Int32
    ) -> ConsumeStats? {
        guard let config = controller.topics.topic(topic) else { return nil }
        if let online = controller.consumers.group(group), !online.subscriptions.isEmpty,
            online.subscriptions[topic] == nil
        {
            return nil
        }
        var table: [MessageQueue: OffsetWrapper] = [:]
        for queueId in 0..<max(0, queues(config)) {
            let brokerOffset = max(0, store.maxOffset(topic: topic, queueID: queueId))
            let consumerOffset = max(0, controller.offsets.offset(group: group, topic: topic, queueId: queueId) ?? 0)
            let last =
                consumerOffset > 0
                ? store.storeTimestamp(topic: topic, queueID: queueId, offset: consumerOffset - 1) ?? 0 : 0
            table[MessageQueue(topic: topic, brokerName: controller.configuration.brokerName, queueId: queueId)] =
                OffsetWrapper(brokerOffset: brokerOffset, consumerOffset: consumerOffset, lastTimestamp: last)
        }
        return ConsumeStats(
            offsetTable: QueueKeyedMap(table), consumeTps: controller.stats.groupGetTps(group: group, topic: topic))
    }

    /// GET_CONSUME_STATS (208): a group's committed offsets against each queue's max, with its
    /// pull rate; a blank topic means every topic it has offsets for.
    func consumeStats(_ request: RemotingCommand, store: MessageStore) throws -> RemotingCommand {
        let header = try request.decodeHeader(GetConsumeStatsRequestHeader.self)
        let topics = header.topic.map { [$0] } ?? controller.offsets.topics(of: header.consumerGroup)
        var total = ConsumeStats(offsetTable: [:], consumeTps: 0)
        for topic in topics {
            guard
                let stats = consumeStats(
                    group: header.consumerGroup, topic: topic, store: store, queues: \.readQueueNums)
            else { continue }
            total.offsetTable.entries.merge(stats.offsetTable.entries) { a, _ in a }
            total.consumeTps += stats.consumeTps
        }
        return .response(to: request, body: total.encoded())
    }

    /// GET_BROKER_CONSUME_STATS (317): every group's stats on every topic it has offsets for.
    func brokerConsumeStats(_ request: RemotingCommand, store: MessageStore) throws -> RemotingCommand {
        let header = try request.decodeHeader(GetConsumeStatsInBrokerHeader.self)
        var list: [[String: [ConsumeStats]]] = []
        var totalDiff: Int64 = 0
        for group in controller.groups.names {
            var perTopic: [ConsumeStats] = []
            for topic in controller.offsets.topics(of: group) {
                if header.isOrder, controller.topics.topic(topic)?.order != true { continue }
                guard let stats = consumeStats(group: group, topic: topic, store: store, queues: \.writeQueueNums)
                else { continue }
                totalDiff += stats.totalDiff
                perTopic.append(stats)
            }
            list.append([group: perTopic])
        }
        let body = ConsumeStatsList(consumeStatsList: list, brokerAddr: controller.address, totalDiff: totalDiff)
        return .response(to: request, body: body.encoded())
    }

    /// VIEW_BROKER_STATS_DATA (315): one statistic over the last minute, hour and day.
    func viewBrokerStats(_ request: RemotingCommand) throws -> RemotingCommand {
        let header = try request.decodeHeader(ViewBrokerStatsDataRequestHeader.self)
        guard let data = controller.stats.statsData(name: header.statsName, key: header.statsKey) else {
            return .response(
                to: request, code: .systemError,
                remark: "The stats <\(header.statsName)> <\(header.statsKey)> not exist")
        }
        return .response(to: request, body: data.encoded())
    }

    /// QUERY_CONSUME_TIME_SPAN (303): per write queue, the store times of the first, last and last
    /// consumed message and how far behind the group is.
    func consumeTimeSpan(_ request: RemotingCommand, store: MessageStore) throws -> RemotingCommand {
        let header = try request.decodeHeader(QueryConsumeTimeSpanRequestHeader.self)
        guard let config = controller.topics.topic(header.topic) else {
            return .response(to: request, code: .topicNotExist, remark: "topic[\(header.topic)] not exist")
        }
        let now = controller.clock.nowMillis()
        var spans: [QueueTimeSpan] = []
        for queueId in 0..<max(0, config.writeQueueNums) {
            let topic = header.topic
            let minOffset = store.minOffset(topic: topic, queueID: queueId)
            let maxOffset = store.maxOffset(topic: topic, queueID: queueId)
            let minTime = store.storeTimestamp(topic: topic, queueID: queueId, offset: minOffset) ?? 0
            let maxTime =
                maxOffset > 0 ? store.storeTimestamp(topic: topic, queueID: queueId, offset: maxOffset - 1) ?? 0 : 0
            let consumed = controller.offsets.offset(group: header.group, topic: topic, queueId: queueId) ?? 0
            let consumeTime =
                consumed > 0
                ? store.storeTimestamp(topic: topic, queueID: queueId, offset: consumed - 1) ?? minTime : minTime
            let delay =
                consumed < maxOffset
                ? max(0, now - (store.storeTimestamp(topic: topic, queueID: queueId, offset: consumed) ?? now)) : 0
            spans.append(
                QueueTimeSpan(
                    messageQueue: MessageQueue(
                        topic: topic, brokerName: controller.configuration.brokerName, queueId: queueId),
                    minTimeStamp: minTime, maxTimeStamp: maxTime, consumeTimeStamp: consumeTime, delayTime: delay))
        }
        return .response(to: request, body: QueryConsumeTimeSpanBody(consumeTimeSpanSet: spans).encoded())
    }
}

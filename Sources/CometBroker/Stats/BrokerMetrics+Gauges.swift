import CometCore
import CometProtocol
import CometStore

extension BrokerMetrics {
    /// Gauge names (RocketMQ 5.x; units as suffixes where its exporter adds them).
    package enum GaugeName {
        package static let topicNumber = "rocketmq_topic_number"
        package static let groupNumber = "rocketmq_consumer_group_number"
        package static let brokerPermission = "rocketmq_broker_permission"
        package static let lagMessages = "rocketmq_consumer_lag_messages"
        package static let lagLatency = "rocketmq_consumer_lag_latency_milliseconds"
        package static let producerConnections = "rocketmq_producer_connections"
        package static let consumerConnections = "rocketmq_consumer_connections"
        package static let storageSize = "rocketmq_storage_size_bytes"
        package static let flushBehind = "rocketmq_storage_flush_behind_bytes"
        package static let dispatchBehind = "rocketmq_storage_dispatch_behind_bytes"
        package static let reserveTime = "rocketmq_storage_message_reserve_time_milliseconds"
    }

    /// Computes the scrape-time gauges from the broker's tables and store. Runs once per scrape;
    /// its cost grows with topics × queues and groups, not with traffic.
    package func collect(_ controller: BrokerController) {
        let now = controller.clock.nowMillis()
        let topics = controller.topics.snapshot.topicConfigTable
        gauges.set(GaugeName.topicNumber, common, Double(topics.count))
        gauges.set(GaugeName.groupNumber, common, Double(controller.groups.names.count))
        gauges.set(GaugeName.brokerPermission, common, Double(controller.configuration.brokerPermission.rawValue))

        if let store = controller.store {
            let storage = common + [("storage_type", "local"), ("storage_medium", "disk")]
            gauges.set(
                GaugeName.storageSize, storage, Double(store.commitLogMaxOffset - store.commitLogMinOffset))
            gauges.set(
                GaugeName.flushBehind, storage, Double(max(0, store.commitLogMaxOffset - store.commitLogFlushedOffset)))
            // Consume queues are written as part of each append, so nothing waits to be dispatched.
            gauges.set(GaugeName.dispatchBehind, storage, 0)
            let earliest = store.lookMessage(commitLogOffset: store.commitLogMinOffset)?.storeTimestamp
            gauges.set(GaugeName.reserveTime, storage, earliest.map { Double(max(0, now - $0)) } ?? 0)
            collectLag(controller, store: store, topics: topics, now: now)
        }
        collectConnections(controller)
        gauges.sweep()
    }

    /// Per (group, topic), summed over read queues: max − committed offset, and the age of the
    /// oldest unconsumed message.
    private func collectLag(
        _ controller: BrokerController, store: MessageStore, topics: [String: TopicConfig], now: Int64
    ) {
        for (key, committed) in controller.offsets.table {
            guard let at = key.lastIndex(of: "@") else { continue }
            let topic = String(key[..<at])
            let group = String(key[key.index(after: at)...])
            guard let config = topics[topic] else { continue }
            var lag: Int64 = 0
            var oldest: Int64?
            for queueId in 0..<max(0, config.readQueueNums) {
                let maxOffset = max(0, store.maxOffset(topic: topic, queueID: queueId))
                let offset = max(0, committed[queueId] ?? 0)
                guard maxOffset > offset else { continue }
                lag += maxOffset - offset
                if let stored = store.storeTimestamp(topic: topic, queueID: queueId, offset: offset) {
                    oldest = min(oldest ?? stored, stored)
                }
            }
            let labels =
                common + [
                    ("consumer_group", group), ("topic", topic),
                    ("is_retry", "\(topic.hasPrefix(TopicConfigManager.retryPrefix))"),
                    ("is_system", "\(Self.isSystem(topic))"),
                ]
            gauges.set(GaugeName.lagMessages, labels, Double(lag))
            gauges.set(GaugeName.lagLatency, labels, oldest.map { Double(max(0, now - $0)) } ?? 0)
        }
    }

    private func collectConnections(_ controller: BrokerController) {
        var producers: [[String]: Int] = [:]
        for group in controller.producers.groupNames {
            for channel in controller.producers.channels(group: group) {
                producers[
                    [channel.language.description.lowercased(), Self.versionLabel(channel.version)], default: 0] +=
                    1
            }
        }
        for (labels, count) in producers {
            gauges.set(
                GaugeName.producerConnections,
                common + [("language", labels[0]), ("version", labels[1]), ("protocol_type", "remoting")],
                Double(count))
        }
        for group in controller.consumers.groupNames {
            guard let info = controller.consumers.group(group) else { continue }
            var counts: [[String]: Int] = [:]
            for channel in info.channels.values {
                counts[[channel.language.description.lowercased(), Self.versionLabel(channel.version)], default: 0] += 1
            }
            let mode =
                switch info.consumeType {
                case .consumePassively: "push"
                case .consumePop: "pop"
                case .consumeActively: "pull"
                }
            for (labels, count) in counts {
                gauges.set(
                    GaugeName.consumerConnections,
                    common + [
                        ("consumer_group", group), ("language", labels[0]), ("version", labels[1]),
                        ("consume_mode", mode), ("protocol_type", "remoting"), ("is_system", "false"),
                    ], Double(count))
            }
        }
    }

    /// RocketMQ's `MQVersion.getVersionDesc`, lower-cased, for the version Comet speaks (409 =
    /// V4_9_8); other versions as their number, since the name table is not reproduced here.
    static func versionLabel(_ version: Int32) -> String {
        version == CometVersion.remotingVersion ? "v4_9_8" : "\(version)"
    }
}

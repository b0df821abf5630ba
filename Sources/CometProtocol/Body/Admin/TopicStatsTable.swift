/// Offsets of one queue (RocketMQ `TopicOffset`).
package struct TopicOffset: JSONBody, Hashable {
    package var minOffset: Int64
    package var maxOffset: Int64
    /// Store time of the last message (0 when the queue is empty).
    package var lastUpdateTimestamp: Int64

    package init(minOffset: Int64, maxOffset: Int64, lastUpdateTimestamp: Int64) {
        self.minOffset = minOffset
        self.maxOffset = maxOffset
        self.lastUpdateTimestamp = lastUpdateTimestamp
    }

    package static let fieldDefaults: [String: JSONValue] = ["minOffset": 0, "maxOffset": 0, "lastUpdateTimestamp": 0]
}

/// GET_TOPIC_STATS_INFO (202) response body: offsets per queue, keyed by queue objects.
package struct TopicStatsTable: JSONBody, Hashable {
    package var offsetTable: QueueKeyedMap<TopicOffset>

    package init(offsetTable: QueueKeyedMap<TopicOffset>) { self.offsetTable = offsetTable }
}

/// A consumer group's position on one queue (RocketMQ `OffsetWrapper`).
package struct OffsetWrapper: JSONBody, Hashable {
    package var brokerOffset: Int64
    package var consumerOffset: Int64
    /// Store time of the last consumed message (0 if none).
    package var lastTimestamp: Int64

    package init(brokerOffset: Int64, consumerOffset: Int64, lastTimestamp: Int64) {
        self.brokerOffset = brokerOffset
        self.consumerOffset = consumerOffset
        self.lastTimestamp = lastTimestamp
    }

    package static let fieldDefaults: [String: JSONValue] = [
        "brokerOffset": 0, "consumerOffset": 0, "lastTimestamp": 0,
    ]
}

/// GET_CONSUME_STATS (208) response body (RocketMQ `ConsumeStats`).
package struct ConsumeStats: JSONBody, Hashable {
    package var offsetTable: QueueKeyedMap<OffsetWrapper>
    /// Messages per second the group pulled over the last minute.
    package var consumeTps: Double

    package init(offsetTable: QueueKeyedMap<OffsetWrapper>, consumeTps: Double) {
        self.offsetTable = offsetTable
        self.consumeTps = consumeTps
    }

    package static let fieldDefaults: [String: JSONValue] = ["consumeTps": .number("0.0")]

    /// Messages not yet consumed, summed over queues (`computeTotalDiff`).
    package var totalDiff: Int64 { offsetTable.entries.values.reduce(0) { $0 + $1.brokerOffset - $1.consumerOffset } }
}

/// GET_BROKER_CONSUME_STATS (317) response body (RocketMQ `ConsumeStatsList`): per group, the
/// stats of each topic it has offsets for.
package struct ConsumeStatsList: JSONBody, Hashable {
    package var consumeStatsList: [[String: [ConsumeStats]]]
    package var brokerAddr: String?
    package var totalDiff: Int64

    package init(consumeStatsList: [[String: [ConsumeStats]]], brokerAddr: String?, totalDiff: Int64) {
        self.consumeStatsList = consumeStatsList
        self.brokerAddr = brokerAddr
        self.totalDiff = totalDiff
    }

    package static let fieldDefaults: [String: JSONValue] = ["totalDiff": 0]
}

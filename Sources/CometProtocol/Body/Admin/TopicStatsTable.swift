package import CometCore

/// Offsets of one queue (RocketMQ `TopicOffset`).
package struct TopicOffset: Sendable, Hashable, Codable {
    package var minOffset: Int64
    package var maxOffset: Int64
    /// Store time of the last message (0 when the queue is empty).
    package var lastUpdateTimestamp: Int64

    package init(minOffset: Int64, maxOffset: Int64, lastUpdateTimestamp: Int64) {
        self.minOffset = minOffset
        self.maxOffset = maxOffset
        self.lastUpdateTimestamp = lastUpdateTimestamp
    }

    init(json: JSONValue) throws(CometError) {
        let r = try JSONObjectReader(json, "topicOffset")
        minOffset = try r.int64("minOffset", default: 0)
        maxOffset = try r.int64("maxOffset", default: 0)
        lastUpdateTimestamp = try r.int64("lastUpdateTimestamp", default: 0)
    }

    var json: JSONValue {
        .object([
            "minOffset": .int(minOffset), "maxOffset": .int(maxOffset),
            "lastUpdateTimestamp": .int(lastUpdateTimestamp),
        ])
    }
}

/// GET_TOPIC_STATS_INFO (202) response body: offsets per queue, keyed by queue objects.
package struct TopicStatsTable: JSONBody, Hashable {
    package var offsetTable: [MessageQueue: TopicOffset]

    package init(offsetTable: [MessageQueue: TopicOffset]) { self.offsetTable = offsetTable }

    package init(json: JSONValue) throws(CometError) {
        offsetTable = try JSONObjectReader(json, "topicStatsTable").messageQueueMap("offsetTable") {
            v throws(CometError) in try TopicOffset(json: v)
        }
    }

    package var json: JSONValue { .object(["offsetTable": .queueKeyed(offsetTable, \.json)]) }
}

/// A consumer group's position on one queue (RocketMQ `OffsetWrapper`).
package struct OffsetWrapper: Sendable, Hashable, Codable {
    package var brokerOffset: Int64
    package var consumerOffset: Int64
    /// Store time of the last consumed message (0 if none).
    package var lastTimestamp: Int64

    package init(brokerOffset: Int64, consumerOffset: Int64, lastTimestamp: Int64) {
        self.brokerOffset = brokerOffset
        self.consumerOffset = consumerOffset
        self.lastTimestamp = lastTimestamp
    }

    init(json: JSONValue) throws(CometError) {
        let r = try JSONObjectReader(json, "offsetWrapper")
        brokerOffset = try r.int64("brokerOffset", default: 0)
        consumerOffset = try r.int64("consumerOffset", default: 0)
        lastTimestamp = try r.int64("lastTimestamp", default: 0)
    }

    var json: JSONValue {
        .object([
            "brokerOffset": .int(brokerOffset), "consumerOffset": .int(consumerOffset),
            "lastTimestamp": .int(lastTimestamp),
        ])
    }
}

/// GET_CONSUME_STATS (208) response body (RocketMQ `ConsumeStats`).
package struct ConsumeStats: JSONBody, Hashable {
    package var offsetTable: [MessageQueue: OffsetWrapper]
    /// Messages per second the group pulled over the last minute.
    package var consumeTps: Double

    package init(offsetTable: [MessageQueue: OffsetWrapper], consumeTps: Double) {
        self.offsetTable = offsetTable
        self.consumeTps = consumeTps
    }

    package init(json: JSONValue) throws(CometError) {
        let r = try JSONObjectReader(json, "consumeStats")
        offsetTable = try r.messageQueueMap("offsetTable") { v throws(CometError) in try OffsetWrapper(json: v) }
        consumeTps = r.members["consumeTps"]?.stringValue.flatMap(Double.init) ?? 0
    }

    /// Messages not yet consumed, summed over queues (`computeTotalDiff`).
    package var totalDiff: Int64 { offsetTable.values.reduce(0) { $0 + $1.brokerOffset - $1.consumerOffset } }

    package var json: JSONValue {
        .object(["consumeTps": .double(consumeTps), "offsetTable": .queueKeyed(offsetTable, \.json)])
    }
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

    package init(json: JSONValue) throws(CometError) {
        let r = try JSONObjectReader(json, "consumeStatsList")
        var list: [[String: [ConsumeStats]]] = []
        for element in r.array("consumeStatsList") {
            var map: [String: [ConsumeStats]] = [:]
            for (group, stats) in element.objectValue ?? [:] {
                var decoded: [ConsumeStats] = []
                for s in stats.arrayValue ?? [] { decoded.append(try ConsumeStats(json: s)) }
                map[group] = decoded
            }
            list.append(map)
        }
        consumeStatsList = list
        brokerAddr = r.optionalString("brokerAddr")
        totalDiff = try r.int64("totalDiff", default: 0)
    }

    package var json: JSONValue {
        var members: [String: JSONValue] = [
            "consumeStatsList": .array(consumeStatsList.map { .object($0.mapValues { .array($0.map(\.json)) }) }),
            "totalDiff": .int(totalDiff),
        ]
        if let brokerAddr { members["brokerAddr"] = .string(brokerAddr) }
        return .object(members)
    }
}

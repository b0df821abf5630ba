package import CometCore

/// Header naming one queue: GET_MAX_OFFSET (30), GET_MIN_OFFSET (31), GET_EARLIEST_MSG_STORETIME (32).
package struct TopicQueueRequestHeader: CommandHeader, Equatable {
    package var topic: String
    package var queueId: Int32

    package init(topic: String, queueId: Int32) {
        self.topic = topic
        self.queueId = queueId
    }
}

/// SEARCH_OFFSET_BY_TIMESTAMP (29) request header.
package struct SearchOffsetRequestHeader: CommandHeader, Equatable {
    package var topic: String
    package var queueId: Int32
    package var timestamp: Int64

    package init(topic: String, queueId: Int32, timestamp: Int64) {
        self.topic = topic
        self.queueId = queueId
        self.timestamp = timestamp
    }
}

/// A response carrying one offset (`offset`), or a timestamp under the key `timestamp`.
package struct OffsetResponseHeader: CommandHeader, Equatable {
    package var offset: Int64?
    package var timestamp: Int64?

    package init(offset: Int64) { self.offset = offset }
    package init(timestamp: Int64) { self.timestamp = timestamp }

    /// The offset or timestamp carried.
    package var value: Int64 { offset ?? timestamp ?? 0 }

    package mutating func didDecode() throws(CometError) {
        guard offset != nil || timestamp != nil else {
            throw CometError(.malformedHeader, "missing header field 'offset'")
        }
    }
}

/// QUERY_CONSUMER_OFFSET (14) request header.
package struct QueryConsumerOffsetRequestHeader: CommandHeader, Equatable {
    package var consumerGroup: String
    package var topic: String
    package var queueId: Int32

    package init(consumerGroup: String, topic: String, queueId: Int32) {
        self.consumerGroup = consumerGroup
        self.topic = topic
        self.queueId = queueId
    }
}

/// UPDATE_CONSUMER_OFFSET (15) request header.
package struct UpdateConsumerOffsetRequestHeader: CommandHeader, Equatable {
    package var consumerGroup: String
    package var topic: String
    package var queueId: Int32
    package var commitOffset: Int64

    package init(consumerGroup: String, topic: String, queueId: Int32, commitOffset: Int64) {
        self.consumerGroup = consumerGroup
        self.topic = topic
        self.queueId = queueId
        self.commitOffset = commitOffset
    }
}

package import CometCore

/// Header naming one queue: GET_MAX_OFFSET (30), GET_MIN_OFFSET (31), GET_EARLIEST_MSG_STORETIME (32).
package struct TopicQueueRequestHeader: CommandHeader, Equatable {
    package var topic: String
    package var queueId: Int32

    package init(topic: String, queueId: Int32) {
        self.topic = topic
        self.queueId = queueId
    }

    package init(fields: HeaderFields) throws(CometError) {
        topic = try fields.string("topic")
        queueId = try fields.int32("queueId")
    }

    package func write(into fields: inout [String: String]) {
        fields["topic"] = topic
        fields.set("queueId", queueId)
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

    package init(fields: HeaderFields) throws(CometError) {
        topic = try fields.string("topic")
        queueId = try fields.int32("queueId")
        timestamp = try fields.int64("timestamp")
    }

    package func write(into fields: inout [String: String]) {
        fields["topic"] = topic
        fields.set("queueId", queueId)
        fields.set("timestamp", timestamp)
    }
}

/// A response carrying one offset (`offset`), or a timestamp under the key `timestamp`.
package struct OffsetResponseHeader: CommandHeader, Equatable {
    package var key: String
    package var value: Int64

    package init(offset: Int64) {
        key = "offset"
        value = offset
    }

    package init(timestamp: Int64) {
        key = "timestamp"
        value = timestamp
    }

    package init(fields: HeaderFields) throws(CometError) {
        key = fields.values["timestamp"] != nil ? "timestamp" : "offset"
        value = try fields.int64(key)
    }

    package func write(into fields: inout [String: String]) { fields.set(key, value) }
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

    package init(fields: HeaderFields) throws(CometError) {
        consumerGroup = try fields.string("consumerGroup")
        topic = try fields.string("topic")
        queueId = try fields.int32("queueId")
    }

    package func write(into fields: inout [String: String]) {
        fields["consumerGroup"] = consumerGroup
        fields["topic"] = topic
        fields.set("queueId", queueId)
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

    package init(fields: HeaderFields) throws(CometError) {
        consumerGroup = try fields.string("consumerGroup")
        topic = try fields.string("topic")
        queueId = try fields.int32("queueId")
        commitOffset = try fields.int64("commitOffset")
    }

    package func write(into fields: inout [String: String]) {
        fields["consumerGroup"] = consumerGroup
        fields["topic"] = topic
        fields.set("queueId", queueId)
        fields.set("commitOffset", commitOffset)
    }
}

/// GET_ALL_CONSUMER_OFFSET (43) response body (RocketMQ `ConsumerOffsetSerializeWrapper`):
/// `{"offsetTable":{"topic@group":{0:3,1:4}}}` with bare queue-id keys.
package struct ConsumerOffsetSerializeWrapper: JSONBody, Hashable {
    package var offsetTable: [String: IntKeyedMap<Int64>]

    package init(offsetTable: [String: IntKeyedMap<Int64>]) { self.offsetTable = offsetTable }
}

/// GET_ALL_DELAY_OFFSET (45) response body (RocketMQ `DelayOffsetSerializeWrapper`): the schedule
/// service's progress per delay level, `{"offsetTable":{1:0,2:7}}`.
package struct DelayOffsetSerializeWrapper: JSONBody, Hashable {
    package var offsetTable: IntKeyedMap<Int64>

    package init(offsetTable: IntKeyedMap<Int64>) { self.offsetTable = offsetTable }
}

/// QUERY_CORRECTION_OFFSET (308) response body (RocketMQ `QueryCorrectionOffsetBody`).
package struct QueryCorrectionOffsetBody: JSONBody, Hashable {
    package var correctionOffsets: IntKeyedMap<Int64>

    package init(correctionOffsets: IntKeyedMap<Int64>) { self.correctionOffsets = correctionOffsets }
}

/// INVOKE_BROKER_TO_GET_CONSUMER_STATUS (223) response body and the client's answer to
/// GET_CONSUMER_STATUS_FROM_CLIENT (221) (RocketMQ `GetConsumerStatusBody`).
package struct GetConsumerStatusBody: JSONBody, Hashable {
    package var messageQueueTable: QueueKeyedMap<Int64>
    package var consumerTable: [String: QueueKeyedMap<Int64>]

    package init(messageQueueTable: QueueKeyedMap<Int64>, consumerTable: [String: QueueKeyedMap<Int64>]) {
        self.messageQueueTable = messageQueueTable
        self.consumerTable = consumerTable
    }
}

import CometCore

/// A queue of a topic on one broker (`MessageQueue`).
package struct MessageQueue: JSONBody, Hashable, Comparable {
    package var topic: String
    package var brokerName: String
    package var queueId: Int32

    package init(topic: String, brokerName: String, queueId: Int32) {
        self.topic = topic
        self.brokerName = brokerName
        self.queueId = queueId
    }

    package static func < (a: MessageQueue, b: MessageQueue) -> Bool {
        (a.topic, a.brokerName, a.queueId) < (b.topic, b.brokerName, b.queueId)
    }
}

/// LOCK_BATCH_MQ (41) and UNLOCK_BATCH_MQ (42) request body.
package struct LockBatchRequestBody: JSONBody, Hashable {
    package var consumerGroup: String
    package var clientId: String
    package var mqSet: [MessageQueue]

    package init(consumerGroup: String, clientId: String, mqSet: [MessageQueue]) {
        self.consumerGroup = consumerGroup
        self.clientId = clientId
        self.mqSet = mqSet
    }
}

/// LOCK_BATCH_MQ response body: the queues now locked by the caller.
package struct LockBatchResponseBody: JSONBody, Hashable {
    package var lockOKMQSet: [MessageQueue]

    package init(lockOKMQSet: [MessageQueue]) { self.lockOKMQSet = lockOKMQSet }
}

/// GET_ALL_TOPIC_CONFIG response body: every topic of a broker and the table's version.
package struct TopicConfigSerializeWrapper: JSONBody, Hashable {
    package var topicConfigTable: [String: TopicConfig]
    package var dataVersion: DataVersion

    package init(topicConfigTable: [String: TopicConfig], dataVersion: DataVersion) {
        self.topicConfigTable = topicConfigTable
        self.dataVersion = dataVersion
    }
}

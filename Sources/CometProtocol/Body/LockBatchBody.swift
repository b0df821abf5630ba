package import CometCore

/// A queue of a topic on one broker (`MessageQueue`).
package struct MessageQueue: Sendable, Hashable, Comparable {
    package var topic: String
    package var brokerName: String
    package var queueId: Int32

    package init(topic: String, brokerName: String, queueId: Int32) {
        self.topic = topic
        self.brokerName = brokerName
        self.queueId = queueId
    }

    package init(json: JSONValue) throws(CometError) {
        let r = try JSONObjectReader(json, "messageQueue")
        topic = try r.string("topic")
        brokerName = try r.string("brokerName")
        queueId = try r.int32("queueId")
    }

    package var json: JSONValue {
        .object(["topic": .string(topic), "brokerName": .string(brokerName), "queueId": .int(queueId)])
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

    package init(json: JSONValue) throws(CometError) {
        let r = try JSONObjectReader(json, "lockBatchRequest")
        consumerGroup = try r.string("consumerGroup")
        clientId = try r.string("clientId")
        var queues: [MessageQueue] = []
        for q in r.array("mqSet") { queues.append(try MessageQueue(json: q)) }
        mqSet = queues
    }

    package var json: JSONValue {
        .object([
            "consumerGroup": .string(consumerGroup), "clientId": .string(clientId),
            "mqSet": .array(mqSet.map(\.json)),
        ])
    }
}

/// LOCK_BATCH_MQ response body: the queues now locked by the caller.
package struct LockBatchResponseBody: JSONBody, Hashable {
    package var lockOKMQSet: [MessageQueue]

    package init(lockOKMQSet: [MessageQueue]) { self.lockOKMQSet = lockOKMQSet }

    package init(json: JSONValue) throws(CometError) {
        var queues: [MessageQueue] = []
        for q in try JSONObjectReader(json, "lockBatchResponse").array("lockOKMQSet") {
            queues.append(try MessageQueue(json: q))
        }
        lockOKMQSet = queues
    }

    package var json: JSONValue { .object(["lockOKMQSet": .array(lockOKMQSet.map(\.json))]) }
}

/// GET_ALL_TOPIC_CONFIG response body: every topic of a broker and the table's version.
package struct TopicConfigSerializeWrapper: JSONBody, Hashable {
    package var topicConfigTable: [String: TopicConfig]
    package var dataVersion: DataVersion

    package init(topicConfigTable: [String: TopicConfig], dataVersion: DataVersion) {
        self.topicConfigTable = topicConfigTable
        self.dataVersion = dataVersion
    }

    package init(json: JSONValue) throws(CometError) {
        let r = try JSONObjectReader(json, "topicConfigSerializeWrapper")
        var table: [String: TopicConfig] = [:]
        for (name, config) in r.object("topicConfigTable") { table[name] = try TopicConfig(json: config) }
        topicConfigTable = table
        dataVersion = try r.members["dataVersion"].map { v throws(CometError) in try DataVersion(json: v) }
            ?? DataVersion(timestamp: 0, counter: 0)
    }

    package var json: JSONValue {
        .object(["topicConfigTable": .object(topicConfigTable.mapValues(\.json)), "dataVersion": dataVersion.json])
    }
}

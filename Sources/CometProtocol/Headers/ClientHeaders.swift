package import CometCore

/// A header with only `consumerGroup`: GET_CONSUMER_LIST_BY_GROUP (38) and
/// NOTIFY_CONSUMER_IDS_CHANGED (40).
package struct ConsumerGroupHeader: CommandHeader, Equatable {
    package var consumerGroup: String

    package init(consumerGroup: String) { self.consumerGroup = consumerGroup }
}

/// UNREGISTER_CLIENT (35) request header; the C++ client sends the unused group as "".
package struct UnregisterClientRequestHeader: CommandHeader, Equatable {
    package var clientID: String
    package var producerGroup: String?
    package var consumerGroup: String?

    package init(clientID: String, producerGroup: String? = nil, consumerGroup: String? = nil) {
        self.clientID = clientID
        self.producerGroup = producerGroup
        self.consumerGroup = consumerGroup
    }

    /// The C++ client sends the group it does not have as "".
    package mutating func didDecode() throws(CometError) {
        if producerGroup?.isEmpty == true { producerGroup = nil }
        if consumerGroup?.isEmpty == true { consumerGroup = nil }
    }
}

/// GET_CONSUMER_RUNNING_INFO (307) request header (broker → client).
package struct GetConsumerRunningInfoRequestHeader: CommandHeader, Equatable {
    package var consumerGroup: String
    package var clientId: String
    package var jstackEnable: Bool

    package init(consumerGroup: String, clientId: String, jstackEnable: Bool = false) {
        self.consumerGroup = consumerGroup
        self.clientId = clientId
        self.jstackEnable = jstackEnable
    }

    package static let fieldDefaults = ["jstackEnable": "false"]
}

/// UPDATE_AND_CREATE_TOPIC (17) request header.
package struct CreateTopicRequestHeader: CommandHeader, Equatable {
    package var topic: String
    package var defaultTopic: String
    package var readQueueNums: Int32
    package var writeQueueNums: Int32
    package var perm: Int32
    package var topicFilterType: String
    package var topicSysFlag: Int32
    package var order: Bool

    package init(
        topic: String, defaultTopic: String = "TBW102", readQueueNums: Int32, writeQueueNums: Int32,
        perm: Int32 = Permission.readWrite.rawValue, topicFilterType: String = "SINGLE_TAG", topicSysFlag: Int32 = 0,
        order: Bool = false
    ) {
        self.topic = topic
        self.defaultTopic = defaultTopic
        self.readQueueNums = readQueueNums
        self.writeQueueNums = writeQueueNums
        self.perm = perm
        self.topicFilterType = topicFilterType
        self.topicSysFlag = topicSysFlag
        self.order = order
    }

    package static let fieldDefaults = [
        "defaultTopic": "TBW102", "perm": String(Permission.readWrite.rawValue), "topicFilterType": "SINGLE_TAG",
        "topicSysFlag": "0", "order": "false",
    ]
}

/// DELETE_TOPIC_IN_BROKER (215) request header.
package struct DeleteTopicRequestHeader: CommandHeader, Equatable {
    package var topic: String

    package init(topic: String) { self.topic = topic }
}

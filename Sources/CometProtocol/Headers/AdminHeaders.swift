package import CometCore

// Request headers of the admin codes (RocketMQ `common/protocol/header`), field names as Java's.

/// A header with only `topic`: GET_TOPIC_STATS_INFO (202), QUERY_TOPIC_CONSUME_BY_WHO (300).
package struct TopicRequestHeader: CommandHeader, Equatable {
    package var topic: String
    package init(topic: String) { self.topic = topic }
}

/// GET_CONSUME_STATS (208): a blank topic means every topic the group has offsets for.
package struct GetConsumeStatsRequestHeader: CommandHeader, Equatable {
    package var consumerGroup: String
    package var topic: String?
    package init(consumerGroup: String, topic: String? = nil) {
        self.consumerGroup = consumerGroup
        self.topic = topic
    }
    package mutating func didDecode() throws(CometError) { if topic?.isEmpty == true { topic = nil } }
}

/// GET_PRODUCER_CONNECTION_LIST (204).
package struct ProducerGroupHeader: CommandHeader, Equatable {
    package var producerGroup: String
    package init(producerGroup: String) { self.producerGroup = producerGroup }
}

/// DELETE_SUBSCRIPTIONGROUP (207).
package struct DeleteSubscriptionGroupRequestHeader: CommandHeader, Equatable {
    package var groupName: String
    package var removeOffset: Bool
    package init(groupName: String, removeOffset: Bool = false) {
        self.groupName = groupName
        self.removeOffset = removeOffset
    }
    package static let fieldDefaults = ["removeOffset": "false"]
}

/// CLONE_GROUP_OFFSET (314).
package struct CloneGroupOffsetRequestHeader: CommandHeader, Equatable {
    package var srcGroup: String
    package var destGroup: String
    package var topic: String?
    package var offline: Bool
    package init(srcGroup: String, destGroup: String, topic: String?, offline: Bool = false) {
        self.srcGroup = srcGroup
        self.destGroup = destGroup
        self.topic = topic
        self.offline = offline
    }
    package static let fieldDefaults = ["offline": "false"]
    package mutating func didDecode() throws(CometError) { if topic?.isEmpty == true { topic = nil } }
}

/// QUERY_CORRECTION_OFFSET (308).
package struct QueryCorrectionOffsetHeader: CommandHeader, Equatable {
    /// Comma-separated groups to leave out.
    package var filterGroups: String?
    package var compareGroup: String
    package var topic: String
    package init(topic: String, compareGroup: String, filterGroups: String? = nil) {
        self.topic = topic
        self.compareGroup = compareGroup
        self.filterGroups = filterGroups
    }
}

/// CONSUME_MESSAGE_DIRECTLY (309), admin → broker → client.
package struct ConsumeMessageDirectlyResultRequestHeader: CommandHeader, Equatable {
    package var consumerGroup: String
    package var clientId: String?
    package var msgId: String?
    package var brokerName: String?
    package init(consumerGroup: String, clientId: String?, msgId: String?, brokerName: String? = nil) {
        self.consumerGroup = consumerGroup
        self.clientId = clientId
        self.msgId = msgId
        self.brokerName = brokerName
    }
}

/// INVOKE_BROKER_TO_GET_CONSUMER_STATUS (223) and GET_CONSUMER_STATUS_FROM_CLIENT (221).
package struct GetConsumerStatusRequestHeader: CommandHeader, Equatable {
    package var topic: String
    package var group: String
    /// Compared with client ids; blank means every client.
    package var clientAddr: String?
    package init(topic: String, group: String, clientAddr: String? = nil) {
        self.topic = topic
        self.group = group
        self.clientAddr = clientAddr
    }
}

/// QUERY_CONSUME_TIME_SPAN (303).
package struct QueryConsumeTimeSpanRequestHeader: CommandHeader, Equatable {
    package var topic: String
    package var group: String
    package init(topic: String, group: String) {
        self.topic = topic
        self.group = group
    }
}

/// VIEW_BROKER_STATS_DATA (315).
package struct ViewBrokerStatsDataRequestHeader: CommandHeader, Equatable {
    /// `TOPIC_PUT_NUMS`, `GROUP_GET_NUMS`, ...
    package var statsName: String
    /// The topic, `topic@group`, or the cluster name (`BROKER_*`).
    package var statsKey: String
    package init(statsName: String, statsKey: String) {
        self.statsName = statsName
        self.statsKey = statsKey
    }
}

/// GET_BROKER_CONSUME_STATS (317).
package struct GetConsumeStatsInBrokerHeader: CommandHeader, Equatable {
    /// Only ordered topics.
    package var isOrder: Bool
    package init(isOrder: Bool) { self.isOrder = isOrder }
    package static let fieldDefaults = ["isOrder": "false"]
}

/// GET_TOPICS_BY_CLUSTER (224), name server.
package struct GetTopicsByClusterRequestHeader: CommandHeader, Equatable {
    package var cluster: String
    package init(cluster: String) { self.cluster = cluster }
}

/// The `version` response field of GET_BROKER_CONFIG (26): a DataVersion as JSON text.
package struct ConfigVersionResponseHeader: CommandHeader, Equatable {
    package var version: String?
    package init(version: String?) { self.version = version }
}

/// QUERY_DATA_VERSION (322) request header, name server; the body is the broker's DataVersion.
package struct QueryDataVersionRequestHeader: CommandHeader, Equatable {
    package var brokerName: String
    package var brokerAddr: String
    package var clusterName: String
    package var brokerId: Int64
    package init(brokerName: String, brokerAddr: String, clusterName: String, brokerId: Int64) {
        self.brokerName = brokerName
        self.brokerAddr = brokerAddr
        self.clusterName = clusterName
        self.brokerId = brokerId
    }
}

/// QUERY_CONSUME_QUEUE (321): `count` consume-queue units of a queue from `index`; with a
/// `consumerGroup`, that group's subscription is shown too.
package struct QueryConsumeQueueRequestHeader: CommandHeader, Equatable {
    package var topic: String
    package var queueId: Int32
    package var index: Int64
    package var count: Int32
    package var consumerGroup: String?
    package init(topic: String, queueId: Int32, index: Int64, count: Int32, consumerGroup: String? = nil) {
        self.topic = topic
        self.queueId = queueId
        self.index = index
        self.count = count
        self.consumerGroup = consumerGroup
    }
}

/// RESUME_CHECK_HALF_MESSAGE (323): the offset message id of a message to put back into
/// `RMQ_SYS_TRANS_HALF_TOPIC` with its check count reset.
package struct ResumeCheckHalfMessageRequestHeader: CommandHeader, Equatable {
    package var msgId: String?
    package init(msgId: String?) { self.msgId = msgId }
}

package import CometCore

/// How a consumer gets messages (`ConsumeType`): pull (actively) or push (passively).
package enum ConsumeType: String, Sendable, Hashable, CaseIterable, JSONEnum {
    case consumeActively = "CONSUME_ACTIVELY"
    case consumePassively = "CONSUME_PASSIVELY"
    case consumePop = "CONSUME_POP"

    package static let fallback = ConsumeType.consumePassively
}

/// Whether each consumer of a group gets every message (broadcasting) or a share (clustering).
package enum MessageModel: String, Sendable, Hashable, CaseIterable, JSONEnum {
    case broadcasting = "BROADCASTING"
    case clustering = "CLUSTERING"

    package static let fallback = MessageModel.clustering
}

/// Where a new consumer group starts (`ConsumeFromWhere`).
package enum ConsumeFromWhere: String, Sendable, Hashable, CaseIterable, JSONEnum {
    case lastOffset = "CONSUME_FROM_LAST_OFFSET"
    case lastOffsetAndFromMinWhenBootFirst = "CONSUME_FROM_LAST_OFFSET_AND_FROM_MIN_WHEN_BOOT_FIRST"
    case minOffset = "CONSUME_FROM_MIN_OFFSET"
    case maxOffset = "CONSUME_FROM_MAX_OFFSET"
    case firstOffset = "CONSUME_FROM_FIRST_OFFSET"
    case timestamp = "CONSUME_FROM_TIMESTAMP"

    package static let fallback = ConsumeFromWhere.lastOffset
}

/// One subscription of a consumer group: a topic and its filter expression.
package struct SubscriptionData: JSONBody, Hashable {
    package var topic: String
    /// The expression: `*`, `TagA || TagB`, or SQL92 text.
    package var subString: String
    package var tagsSet: [String]
    /// Tag hash codes, recomputed by the receiver (the C++ client sends `atoi(tag)` here).
    package var codeSet: [Int32]
    package var subVersion: Int64
    /// `TAG` or `SQL92`.
    package var expressionType: String
    /// Java's class filter (unsupported; always false).
    package var classFilterMode = false

    package init(topic: String, subString: String, subVersion: Int64 = 0, expressionType: String = "TAG") {
        self.topic = topic
        self.subString = subString
        self.subVersion = subVersion
        self.expressionType = expressionType
        self.tagsSet = Self.parseTags(subString)
        self.codeSet = tagsSet.map(TagHashCode.javaHashCode)
    }

    /// Splits a tag expression on `||` (empty for `*`).
    package static func parseTags(_ expression: String) -> [String] {
        let trimmed = expression.trimmingCharacters(in: " ")
        guard !trimmed.isEmpty, trimmed != "*" else { return [] }
        return trimmed.split(separator: "||", omittingEmptySubsequences: true)
            .map { $0.trimmingCharacters(in: " ") }
            .filter { !$0.isEmpty }
    }

    package static let fieldDefaults: [String: JSONValue] = [
        "subString": "*", "subVersion": 0, "expressionType": "TAG", "classFilterMode": false, "tagsSet": .array([]),
        "codeSet": .array([]),
    ]

    /// The tags and their hash codes follow from the expression: the C++ client sends `atoi(tag)`
    /// as codes, so the receiver recomputes both.
    package mutating func didDecode() throws(CometError) {
        tagsSet = Self.parseTags(subString)
        codeSet = tagsSet.map(TagHashCode.javaHashCode)
    }
}

/// A consumer group as one client reports it in a heartbeat.
package struct ConsumerData: JSONBody, Hashable {
    package var groupName: String
    package var consumeType: ConsumeType
    package var messageModel: MessageModel
    package var consumeFromWhere: ConsumeFromWhere
    package var subscriptions: [SubscriptionData]
    package var unitMode: Bool

    package init(
        groupName: String, consumeType: ConsumeType, messageModel: MessageModel, consumeFromWhere: ConsumeFromWhere,
        subscriptions: [SubscriptionData], unitMode: Bool = false
    ) {
        self.groupName = groupName
        self.consumeType = consumeType
        self.messageModel = messageModel
        self.consumeFromWhere = consumeFromWhere
        self.subscriptions = subscriptions
        self.unitMode = unitMode
    }

    package static let fieldDefaults: [String: JSONValue] = ["unitMode": false]

    private enum CodingKeys: String, CodingKey {
        case groupName, consumeType, messageModel, consumeFromWhere, unitMode
        case subscriptions = "subscriptionDataSet"
    }
}

/// A producer group as one client reports it in a heartbeat.
package struct ProducerData: JSONBody, Hashable {
    package var groupName: String
}

/// HEART_BEAT (34) body: the producer and consumer groups a client belongs to.
package struct HeartbeatData: JSONBody, Hashable {
    package var clientID: String
    package var producerDataSet: [ProducerData]
    package var consumers: [ConsumerData]

    package init(clientID: String, producerGroups: [String] = [], consumers: [ConsumerData] = []) {
        self.clientID = clientID
        self.producerDataSet = producerGroups.map(ProducerData.init(groupName:))
        self.consumers = consumers
    }

    /// The producer groups' names.
    package var producerGroups: [String] {
        get { producerDataSet.map(\.groupName) }
        set { producerDataSet = newValue.map(ProducerData.init(groupName:)) }
    }

    private enum CodingKeys: String, CodingKey {
        case clientID, producerDataSet
        case consumers = "consumerDataSet"
    }
}

/// GET_CONSUMER_LIST_BY_GROUP response body.
package struct ConsumerListBody: JSONBody, Hashable {
    package var consumerIdList: [String]

    package init(consumerIdList: [String]) { self.consumerIdList = consumerIdList }
}

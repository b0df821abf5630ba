package import CometCore

/// How a consumer gets messages (`ConsumeType`): pull (actively) or push (passively).
package enum ConsumeType: String, Sendable, Hashable {
    case consumeActively = "CONSUME_ACTIVELY"
    case consumePassively = "CONSUME_PASSIVELY"
    case consumePop = "CONSUME_POP"

    /// Accepts the Java name or the C++ ordinal.
    init(json: JSONValue?) {
        switch json {
        case .string(let name): self = ConsumeType(rawValue: name) ?? .consumePassively
        case .number(let n): self = n == "0" ? .consumeActively : n == "2" ? .consumePop : .consumePassively
        default: self = .consumePassively
        }
    }
}

/// Whether each consumer of a group gets every message (broadcasting) or a share (clustering).
package enum MessageModel: String, Sendable, Hashable {
    case broadcasting = "BROADCASTING"
    case clustering = "CLUSTERING"

    /// Accepts the Java name or the C++ ordinal.
    init(json: JSONValue?) {
        switch json {
        case .string(let name): self = MessageModel(rawValue: name) ?? .clustering
        case .number(let n): self = n == "0" ? .broadcasting : .clustering
        default: self = .clustering
        }
    }
}

/// Where a new consumer group starts (`ConsumeFromWhere`).
package enum ConsumeFromWhere: String, Sendable, Hashable, CaseIterable {
    case lastOffset = "CONSUME_FROM_LAST_OFFSET"
    case lastOffsetAndFromMinWhenBootFirst = "CONSUME_FROM_LAST_OFFSET_AND_FROM_MIN_WHEN_BOOT_FIRST"
    case minOffset = "CONSUME_FROM_MIN_OFFSET"
    case maxOffset = "CONSUME_FROM_MAX_OFFSET"
    case firstOffset = "CONSUME_FROM_FIRST_OFFSET"
    case timestamp = "CONSUME_FROM_TIMESTAMP"

    /// Accepts the Java name or the C++ ordinal (0…5 in declaration order).
    init(json: JSONValue?) {
        switch json {
        case .string(let name): self = ConsumeFromWhere(rawValue: name) ?? .lastOffset
        case .number(let n): self = Int(n).flatMap { Self.allCases.indices.contains($0) ? Self.allCases[$0] : nil } ?? .lastOffset
        default: self = .lastOffset
        }
    }
}

/// One subscription of a consumer group: a topic and its filter expression.
package struct SubscriptionData: Sendable, Hashable {
    package var topic: String
    /// The expression: `*`, `TagA || TagB`, or SQL92 text.
    package var subString: String
    package var tagsSet: [String]
    /// Tag hash codes, recomputed by the receiver (the C++ client sends `atoi(tag)` here).
    package var codeSet: [Int32]
    package var subVersion: Int64
    /// `TAG` or `SQL92`.
    package var expressionType: String

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

    init(json: JSONValue) throws(CometError) {
        let r = try JSONObjectReader(json, "subscriptionData")
        self.init(
            topic: try r.string("topic"), subString: r.optionalString("subString") ?? "*",
            subVersion: try r.int64("subVersion", default: 0), expressionType: r.optionalString("expressionType") ?? "TAG")
    }

    var json: JSONValue {
        .object([
            "topic": .string(topic), "subString": .string(subString), "tagsSet": .array(tagsSet.map(JSONValue.string)),
            "codeSet": .array(codeSet.map { .int($0) }), "subVersion": .int(subVersion),
            "expressionType": .string(expressionType), "classFilterMode": .bool(false),
        ])
    }
}

/// A consumer group as one client reports it in a heartbeat.
package struct ConsumerData: Sendable, Hashable {
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
}

/// HEART_BEAT (34) body: the producer and consumer groups a client belongs to.
package struct HeartbeatData: JSONBody, Hashable {
    package var clientID: String
    package var producerGroups: [String]
    package var consumers: [ConsumerData]

    package init(clientID: String, producerGroups: [String] = [], consumers: [ConsumerData] = []) {
        self.clientID = clientID
        self.producerGroups = producerGroups
        self.consumers = consumers
    }

    package init(json: JSONValue) throws(CometError) {
        let r = try JSONObjectReader(json, "heartbeatData")
        clientID = try r.string("clientID")
        var producers: [String] = []
        for producer in r.array("producerDataSet") {
            producers.append(try JSONObjectReader(producer, "producerData").string("groupName"))
        }
        producerGroups = producers
        var consumers: [ConsumerData] = []
        for consumer in r.array("consumerDataSet") {
            let c = try JSONObjectReader(consumer, "consumerData")
            var subscriptions: [SubscriptionData] = []
            for s in c.array("subscriptionDataSet") { subscriptions.append(try SubscriptionData(json: s)) }
            consumers.append(
                ConsumerData(
                    groupName: try c.string("groupName"), consumeType: ConsumeType(json: c.members["consumeType"]),
                    messageModel: MessageModel(json: c.members["messageModel"]),
                    consumeFromWhere: ConsumeFromWhere(json: c.members["consumeFromWhere"]),
                    subscriptions: subscriptions, unitMode: c.bool("unitMode", default: false)))
        }
        self.consumers = consumers
    }

    package var json: JSONValue {
        .object([
            "clientID": .string(clientID),
            "producerDataSet": .array(producerGroups.map { .object(["groupName": .string($0)]) }),
            "consumerDataSet": .array(
                consumers.map { c in
                    .object([
                        "groupName": .string(c.groupName), "consumeType": .string(c.consumeType.rawValue),
                        "messageModel": .string(c.messageModel.rawValue),
                        "consumeFromWhere": .string(c.consumeFromWhere.rawValue), "unitMode": .bool(c.unitMode),
                        "subscriptionDataSet": .array(c.subscriptions.map(\.json)),
                    ])
                }),
        ])
    }
}

/// GET_CONSUMER_LIST_BY_GROUP response body.
package struct ConsumerListBody: JSONBody, Hashable {
    package var consumerIdList: [String]

    package init(consumerIdList: [String]) { self.consumerIdList = consumerIdList }

    package init(json: JSONValue) throws(CometError) {
        consumerIdList = try JSONObjectReader(json, "consumerList").array("consumerIdList").compactMap(\.stringValue)
    }

    package var json: JSONValue { .object(["consumerIdList": .array(consumerIdList.map(JSONValue.string))]) }
}

package import CometCore

/// Flags of a PULL_MESSAGE request (`PullSysFlag`).
package struct PullSysFlag: OptionSet, Sendable, Hashable {
    package var rawValue: Int32
    package init(rawValue: Int32) { self.rawValue = rawValue }

    /// Store `commitOffset` for the group before answering.
    package static let commitOffset = PullSysFlag(rawValue: 0x1)
    /// Hold the request (long polling) when nothing is available.
    package static let suspend = PullSysFlag(rawValue: 0x2)
    /// Use the request's `subscription` expression rather than the heartbeat's.
    package static let subscription = PullSysFlag(rawValue: 0x4)
    package static let classFilter = PullSysFlag(rawValue: 0x8)
    package static let litePull = PullSysFlag(rawValue: 0x10)
}

/// PULL_MESSAGE (11) request header.
package struct PullMessageRequestHeader: CommandHeader, Equatable {
    package var consumerGroup: String
    package var topic: String
    package var queueId: Int32
    package var queueOffset: Int64
    package var maxMsgNums: Int32
    package var sysFlag: PullSysFlag
    package var commitOffset: Int64
    package var suspendTimeoutMillis: Int64
    package var subscription: String?
    package var subVersion: Int64
    package var expressionType: String?

    package init(
        consumerGroup: String, topic: String, queueId: Int32, queueOffset: Int64, maxMsgNums: Int32 = 32,
        sysFlag: PullSysFlag = [], commitOffset: Int64 = 0, suspendTimeoutMillis: Int64 = 0,
        subscription: String? = nil, subVersion: Int64 = 0, expressionType: String? = nil
    ) {
        self.consumerGroup = consumerGroup
        self.topic = topic
        self.queueId = queueId
        self.queueOffset = queueOffset
        self.maxMsgNums = maxMsgNums
        self.sysFlag = sysFlag
        self.commitOffset = commitOffset
        self.suspendTimeoutMillis = suspendTimeoutMillis
        self.subscription = subscription
        self.subVersion = subVersion
        self.expressionType = expressionType
    }

    package init(fields: HeaderFields) throws(CometError) {
        consumerGroup = try fields.string("consumerGroup")
        topic = try fields.string("topic")
        queueId = try fields.int32("queueId")
        queueOffset = try fields.int64("queueOffset")
        maxMsgNums = try fields.optionalInt32("maxMsgNums") ?? 32
        sysFlag = PullSysFlag(rawValue: try fields.optionalInt32("sysFlag") ?? 0)
        commitOffset = try fields.optionalInt64("commitOffset") ?? 0
        suspendTimeoutMillis = try fields.optionalInt64("suspendTimeoutMillis") ?? 0
        subscription = fields.optionalString("subscription")
        subVersion = try fields.optionalInt64("subVersion") ?? 0
        expressionType = fields.optionalString("expressionType")
    }

    package func write(into fields: inout [String: String]) {
        fields["consumerGroup"] = consumerGroup
        fields["topic"] = topic
        fields.set("queueId", queueId)
        fields.set("queueOffset", queueOffset)
        fields.set("maxMsgNums", maxMsgNums)
        fields.set("sysFlag", sysFlag.rawValue)
        fields.set("commitOffset", commitOffset)
        fields.set("suspendTimeoutMillis", suspendTimeoutMillis)
        fields.set("subscription", subscription)
        fields.set("subVersion", subVersion)
        fields.set("expressionType", expressionType)
    }
}

/// PULL_MESSAGE response header.
package struct PullMessageResponseHeader: CommandHeader, Equatable {
    package var suggestWhichBrokerId: Int64
    package var nextBeginOffset: Int64
    package var minOffset: Int64
    package var maxOffset: Int64

    package init(suggestWhichBrokerId: Int64 = 0, nextBeginOffset: Int64, minOffset: Int64, maxOffset: Int64) {
        self.suggestWhichBrokerId = suggestWhichBrokerId
        self.nextBeginOffset = nextBeginOffset
        self.minOffset = minOffset
        self.maxOffset = maxOffset
    }

    package init(fields: HeaderFields) throws(CometError) {
        suggestWhichBrokerId = try fields.optionalInt64("suggestWhichBrokerId") ?? 0
        nextBeginOffset = try fields.int64("nextBeginOffset")
        minOffset = try fields.int64("minOffset")
        maxOffset = try fields.int64("maxOffset")
    }

    package func write(into fields: inout [String: String]) {
        fields.set("suggestWhichBrokerId", suggestWhichBrokerId)
        fields.set("nextBeginOffset", nextBeginOffset)
        fields.set("minOffset", minOffset)
        fields.set("maxOffset", maxOffset)
    }
}

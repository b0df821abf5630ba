import CometCore

/// Flags of a PULL_MESSAGE request (`PullSysFlag`).
package struct PullSysFlag: OptionSet, Sendable, Hashable, Codable {
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

    package static let fieldDefaults = [
        "maxMsgNums": "32", "sysFlag": "0", "commitOffset": "0", "suspendTimeoutMillis": "0", "subVersion": "0",
    ]
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

    package static let fieldDefaults = ["suggestWhichBrokerId": "0"]
}

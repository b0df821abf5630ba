import CometCore

/// QUERY_MESSAGE (12) request header: messages of `topic` whose KEYS (or, with the extField
/// `_UNIQUE_KEY_QUERY`=`true`, UNIQ_KEY) equal `key`, stored within the time range.
package struct QueryMessageRequestHeader: CommandHeader, Equatable {
    /// The extField that turns a key query into a unique-key (message id) query.
    package static let uniqueKeyQueryFlag = "_UNIQUE_KEY_QUERY"

    package var topic: String
    package var key: String
    package var maxNum: Int32
    package var beginTimestamp: Int64
    package var endTimestamp: Int64

    package init(
        topic: String, key: String, maxNum: Int32 = 32, beginTimestamp: Int64 = 0, endTimestamp: Int64 = Int64.max
    ) {
        self.topic = topic
        self.key = key
        self.maxNum = maxNum
        self.beginTimestamp = beginTimestamp
        self.endTimestamp = endTimestamp
    }
}

/// QUERY_MESSAGE response header: how far the index had been built when the query ran.
package struct QueryMessageResponseHeader: CommandHeader, Equatable {
    package var indexLastUpdateTimestamp: Int64
    package var indexLastUpdatePhyoffset: Int64

    package init(indexLastUpdateTimestamp: Int64, indexLastUpdatePhyoffset: Int64) {
        self.indexLastUpdateTimestamp = indexLastUpdateTimestamp
        self.indexLastUpdatePhyoffset = indexLastUpdatePhyoffset
    }
}

/// VIEW_MESSAGE_BY_ID (33) request header: the record at a commit-log offset (the offset part of
/// an offset message id).
package struct ViewMessageRequestHeader: CommandHeader, Equatable {
    package var offset: Int64

    package init(offset: Int64) { self.offset = offset }
}

/// INVOKE_BROKER_TO_RESET_OFFSET (222) and RESET_CONSUMER_CLIENT_OFFSET (220) header: move a
/// group's offsets on `topic` to the first message stored at or after `timestamp` (-1: the end),
/// only backwards unless `isForce`; 5.x adds `queueId` + `offset` to set one queue explicitly.
package struct ResetOffsetRequestHeader: CommandHeader, Equatable {
    package var topic: String
    package var group: String
    package var timestamp: Int64
    package var isForce: Bool
    package var queueId: Int32?
    package var offset: Int64?

    package init(
        topic: String, group: String, timestamp: Int64, isForce: Bool, queueId: Int32? = nil, offset: Int64? = nil
    ) {
        self.topic = topic
        self.group = group
        self.timestamp = timestamp
        self.isForce = isForce
        self.queueId = queueId
        self.offset = offset
    }

    package static let fieldDefaults = ["isForce": "false"]
}

package import CometCore

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

    package init(topic: String, key: String, maxNum: Int32 = 32, beginTimestamp: Int64 = 0, endTimestamp: Int64 = Int64.max) {
        self.topic = topic
        self.key = key
        self.maxNum = maxNum
        self.beginTimestamp = beginTimestamp
        self.endTimestamp = endTimestamp
    }

    package init(fields: HeaderFields) throws(CometError) {
        topic = try fields.string("topic")
        key = try fields.string("key")
        maxNum = try fields.int32("maxNum")
        beginTimestamp = try fields.int64("beginTimestamp")
        endTimestamp = try fields.int64("endTimestamp")
    }

    package func write(into fields: inout [String: String]) {
        fields["topic"] = topic
        fields["key"] = key
        fields.set("maxNum", maxNum)
        fields.set("beginTimestamp", beginTimestamp)
        fields.set("endTimestamp", endTimestamp)
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

    package init(fields: HeaderFields) throws(CometError) {
        indexLastUpdateTimestamp = try fields.int64("indexLastUpdateTimestamp")
        indexLastUpdatePhyoffset = try fields.int64("indexLastUpdatePhyoffset")
    }

    package func write(into fields: inout [String: String]) {
        fields.set("indexLastUpdateTimestamp", indexLastUpdateTimestamp)
        fields.set("indexLastUpdatePhyoffset", indexLastUpdatePhyoffset)
    }
}

/// VIEW_MESSAGE_BY_ID (33) request header: the record at a commit-log offset (the offset part of
/// an offset message id).
package struct ViewMessageRequestHeader: CommandHeader, Equatable {
    package var offset: Int64

    package init(offset: Int64) { self.offset = offset }

    package init(fields: HeaderFields) throws(CometError) {
        offset = try fields.int64("offset")
    }

    package func write(into fields: inout [String: String]) { fields.set("offset", offset) }
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

    package init(fields: HeaderFields) throws(CometError) {
        topic = try fields.string("topic")
        group = try fields.string("group")
        timestamp = try fields.int64("timestamp")
        isForce = try fields.optionalBool("isForce") ?? false
        queueId = try fields.optionalInt32("queueId")
        offset = try fields.optionalInt64("offset")
    }

    package func write(into fields: inout [String: String]) {
        fields["topic"] = topic
        fields["group"] = group
        fields.set("timestamp", timestamp)
        fields.set("isForce", isForce)
        fields.set("queueId", queueId)
        fields.set("offset", offset)
    }
}

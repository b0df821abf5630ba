package import CometCore

/// SEND_MESSAGE (10) / SEND_BATCH_MESSAGE (320) request header; SEND_MESSAGE_V2 (310) carries the
/// same fields under one-letter keys (``v2Keys``).
package struct SendMessageRequestHeader: CommandHeader, Equatable {
    package var producerGroup: String
    package var topic: String
    package var defaultTopic: String
    package var defaultTopicQueueNums: Int32
    package var queueId: Int32
    package var sysFlag: Int32
    package var bornTimestamp: Int64
    package var flag: Int32
    package var properties: String?
    package var reconsumeTimes: Int32?
    package var unitMode: Bool?
    /// The body is a batch encoding. The C++ client sends `"1"`, Java `"true"`; both count.
    package var batch: Bool?
    package var maxReconsumeTimes: Int32?

    package init(
        producerGroup: String, topic: String, defaultTopic: String = "TBW102", defaultTopicQueueNums: Int32 = 4,
        queueId: Int32, sysFlag: Int32 = 0, bornTimestamp: Int64, flag: Int32 = 0, properties: String? = nil,
        reconsumeTimes: Int32? = nil, unitMode: Bool? = nil, batch: Bool? = nil, maxReconsumeTimes: Int32? = nil
    ) {
        self.producerGroup = producerGroup
        self.topic = topic
        self.defaultTopic = defaultTopic
        self.defaultTopicQueueNums = defaultTopicQueueNums
        self.queueId = queueId
        self.sysFlag = sysFlag
        self.bornTimestamp = bornTimestamp
        self.flag = flag
        self.properties = properties
        self.reconsumeTimes = reconsumeTimes
        self.unitMode = unitMode
        self.batch = batch
        self.maxReconsumeTimes = maxReconsumeTimes
    }

    package static let fieldDefaults = [
        "defaultTopic": "TBW102", "defaultTopicQueueNums": "4", "sysFlag": "0", "bornTimestamp": "0", "flag": "0",
    ]

    /// SEND_MESSAGE_V2's key for each field (`SendMessageRequestHeaderV2`: `a` … `m`, `l` last).
    package static let v2Keys: [(from: String, to: String)] = [
        ("producerGroup", "a"), ("topic", "b"), ("defaultTopic", "c"), ("defaultTopicQueueNums", "d"),
        ("queueId", "e"), ("sysFlag", "f"), ("bornTimestamp", "g"), ("flag", "h"), ("properties", "i"),
        ("reconsumeTimes", "j"), ("unitMode", "k"), ("batch", "m"), ("maxReconsumeTimes", "l"),
    ]

    /// Reads the header of a SEND_MESSAGE, SEND_BATCH_MESSAGE or SEND_MESSAGE_V2 request; the
    /// one-letter keys are recognised on SEND_MESSAGE_V2, SEND_REPLY_MESSAGE_V2 and on batches (Java sends those with them).
    package init(request: RemotingCommand) throws(CometError) {
        let compact =
            request.requestCode == .sendMessageV2 || request.requestCode == .sendReplyMessageV2
            || (request.requestCode == .sendBatchMessage && request.extFields["a"] != nil)
        self = try Self(fields: request.extFields, wireKeys: compact ? Self.v2Keys : nil)
    }

    /// The fields under SEND_MESSAGE_V2's one-letter keys.
    package var v2Fields: ExtFields {
        var fields = self.fields
        fields.renameKeys(Self.v2Keys)
        return fields
    }
}

/// SEND_MESSAGE response header.
package struct SendMessageResponseHeader: CommandHeader, Equatable {
    /// The offset message id (comma-separated for batches).
    package var msgId: String
    package var queueId: Int32
    /// Queue offset of the (first) stored message.
    package var queueOffset: Int64
    package var transactionId: String?

    package init(msgId: String, queueId: Int32, queueOffset: Int64, transactionId: String? = nil) {
        self.msgId = msgId
        self.queueId = queueId
        self.queueOffset = queueOffset
        self.transactionId = transactionId
    }
}

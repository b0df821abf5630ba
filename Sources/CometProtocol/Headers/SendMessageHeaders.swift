package import CometCore

/// SEND_MESSAGE (10) / SEND_BATCH_MESSAGE (320) request header; SEND_MESSAGE_V2 (310) carries the
/// same fields under one-letter keys (see ``init(v2Fields:)``).
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

    /// Field names of the V1 header in V2 key order (`a` … `m`).
    private static let v1Keys = [
        "producerGroup", "topic", "defaultTopic", "defaultTopicQueueNums", "queueId", "sysFlag", "bornTimestamp",
        "flag", "properties", "reconsumeTimes", "unitMode", "batch", "maxReconsumeTimes",
    ]
    private static let v2Keys = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "m", "l"]

    package init(fields: HeaderFields) throws(CometError) {
        producerGroup = try fields.string("producerGroup")
        topic = try fields.string("topic")
        defaultTopic = fields.optionalString("defaultTopic") ?? "TBW102"
        defaultTopicQueueNums = try fields.optionalInt32("defaultTopicQueueNums") ?? 4
        queueId = try fields.int32("queueId")
        sysFlag = try fields.optionalInt32("sysFlag") ?? 0
        bornTimestamp = try fields.optionalInt64("bornTimestamp") ?? 0
        flag = try fields.optionalInt32("flag") ?? 0
        properties = fields.optionalString("properties")
        reconsumeTimes = try fields.optionalInt32("reconsumeTimes")
        unitMode = try fields.optionalBool("unitMode")
        batch = try fields.optionalBool("batch")
        maxReconsumeTimes = try fields.optionalInt32("maxReconsumeTimes")
    }

    /// Reads the SEND_MESSAGE_V2 form (`a` = producerGroup … `m` = batch, `l` = maxReconsumeTimes).
    package init(v2Fields fields: HeaderFields) throws(CometError) {
        var v1: [String: String] = [:]
        for (v2, name) in zip(Self.v2Keys, Self.v1Keys) { v1.set(name, fields.values[v2]) }
        try self.init(fields: HeaderFields(v1))
    }

    package func write(into fields: inout [String: String]) {
        fields["producerGroup"] = producerGroup
        fields["topic"] = topic
        fields["defaultTopic"] = defaultTopic
        fields.set("defaultTopicQueueNums", defaultTopicQueueNums)
        fields.set("queueId", queueId)
        fields.set("sysFlag", sysFlag)
        fields.set("bornTimestamp", bornTimestamp)
        fields.set("flag", flag)
        fields.set("properties", properties)
        fields.set("reconsumeTimes", reconsumeTimes)
        fields.set("unitMode", unitMode)
        fields.set("batch", batch)
        fields.set("maxReconsumeTimes", maxReconsumeTimes)
    }

    /// Writes the SEND_MESSAGE_V2 form.
    package func writeV2(into fields: inout [String: String]) {
        var v1: [String: String] = [:]
        write(into: &v1)
        for (v2, name) in zip(Self.v2Keys, Self.v1Keys) { fields.set(v2, v1[name]) }
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

    package init(fields: HeaderFields) throws(CometError) {
        msgId = try fields.string("msgId")
        queueId = try fields.int32("queueId")
        queueOffset = try fields.int64("queueOffset")
        transactionId = fields.optionalString("transactionId")
    }

    package func write(into fields: inout [String: String]) {
        fields["msgId"] = msgId
        fields.set("queueId", queueId)
        fields.set("queueOffset", queueOffset)
        fields.set("transactionId", transactionId)
    }
}

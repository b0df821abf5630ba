package import CometCore

/// PUSH_REPLY_MESSAGE_TO_CLIENT (326) request header (broker → requester): the reply as the
/// replier sent it, plus where and when the broker received it.
package struct ReplyMessageRequestHeader: CommandHeader, Equatable {
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
    package var unitMode: Bool
    /// The replier's `ip:port`.
    package var bornHost: String
    /// The broker's `ip:port`.
    package var storeHost: String
    package var storeTimestamp: Int64

    /// The reply carried by `send`, received from `bornHost` by the broker at `storeHost`.
    package init(_ send: SendMessageRequestHeader, properties: String, bornHost: String, storeHost: String, now: Int64)
    {
        producerGroup = send.producerGroup
        topic = send.topic
        defaultTopic = send.defaultTopic
        defaultTopicQueueNums = send.defaultTopicQueueNums
        queueId = send.queueId
        sysFlag = send.sysFlag
        bornTimestamp = send.bornTimestamp
        flag = send.flag
        self.properties = properties
        reconsumeTimes = send.reconsumeTimes
        unitMode = send.unitMode ?? false
        self.bornHost = bornHost
        self.storeHost = storeHost
        storeTimestamp = now
    }

    package init(fields: HeaderFields) throws(CometError) {
        producerGroup = try fields.string("producerGroup")
        topic = try fields.string("topic")
        defaultTopic = try fields.string("defaultTopic")
        defaultTopicQueueNums = try fields.int32("defaultTopicQueueNums")
        queueId = try fields.int32("queueId")
        sysFlag = try fields.int32("sysFlag")
        bornTimestamp = try fields.int64("bornTimestamp")
        flag = try fields.int32("flag")
        properties = fields.optionalString("properties")
        reconsumeTimes = try fields.optionalInt32("reconsumeTimes")
        unitMode = try fields.optionalBool("unitMode") ?? false
        bornHost = try fields.string("bornHost")
        storeHost = try fields.string("storeHost")
        storeTimestamp = try fields.int64("storeTimestamp")
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
        fields["bornHost"] = bornHost
        fields["storeHost"] = storeHost
        fields.set("storeTimestamp", storeTimestamp)
    }
}

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

    package static let fieldDefaults = ["unitMode": "false"]
}

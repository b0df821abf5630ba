import CometCore

/// CONSUMER_SEND_MSG_BACK (36) request header: a consumer hands back a message it failed to
/// consume (remoting-protocol.md §4.7).
package struct ConsumerSendMsgBackRequestHeader: CommandHeader, Equatable {
    /// Commit-log offset (PHYSICALOFFSET) of the failed message.
    package var offset: Int64
    /// Consumer group.
    package var group: String
    /// Requested delay level: 0 = broker decides (3 + reconsume times), < 0 = straight to the DLQ.
    package var delayLevel: Int32
    /// The failed message's id (Java clients).
    package var originMsgId: String?
    /// The failed message's topic (Java clients).
    package var originTopic: String?
    /// Unit mode (Java clients; unused).
    package var unitMode: Bool?
    /// Max reconsume times the client is configured with (honoured for client version ≥ 121).
    package var maxReconsumeTimes: Int32?

    package init(
        offset: Int64, group: String, delayLevel: Int32 = 0, originMsgId: String? = nil, originTopic: String? = nil,
        unitMode: Bool? = nil, maxReconsumeTimes: Int32? = nil
    ) {
        self.offset = offset
        self.group = group
        self.delayLevel = delayLevel
        self.originMsgId = originMsgId
        self.originTopic = originTopic
        self.unitMode = unitMode
        self.maxReconsumeTimes = maxReconsumeTimes
    }

    package static let fieldDefaults = ["delayLevel": "0"]
}

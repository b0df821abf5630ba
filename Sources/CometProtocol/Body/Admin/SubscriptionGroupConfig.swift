package import CometCore

/// A consumer group's broker-side settings (RocketMQ `SubscriptionGroupConfig`): the body of
/// UPDATE_AND_CREATE_SUBSCRIPTIONGROUP (200) and an entry of `config/subscriptionGroup.json`.
/// Members a peer leaves out take RocketMQ's defaults.
package struct SubscriptionGroupConfig: JSONBody, Hashable {
    package var groupName: String
    /// Whether the group may pull at all.
    package var consumeEnable = true
    /// Whether a group without an offset on a queue starts from its minimum (kept for tools).
    package var consumeFromMinEnable = true
    /// Whether members may consume in broadcasting mode.
    package var consumeBroadcastEnable = true
    package var retryQueueNums: Int32 = 1
    /// Deliveries before a message goes to the dead-letter topic.
    package var retryMaxTimes: Int32 = 16
    /// The broker id pulls are suggested to use (0 = master).
    package var brokerId: Int64 = 0
    /// The broker id suggested when the group reads far behind.
    package var whichBrokerWhenConsumeSlowly: Int64 = 1
    package var notifyConsumerIdsChangedEnable = true
    /// `consumeMessageOrderly`: v5 (POP) consumers get one message per message group at a time.
    package var consumeMessageOrderly = false
    /// `BROADCASTING` makes every 5.x (POP) consumer of the group receive every message (Comet's
    /// extension: upstream 5.x has no broadcasting); absent or `CLUSTERING` shares them out.
    package var messageModel: String?

    package init(groupName: String) { self.groupName = groupName }

    /// Whether 5.x consumers of the group each get every message.
    package var isBroadcasting: Bool { messageModel?.uppercased() == "BROADCASTING" }

    package static let fieldDefaults: [String: JSONValue] = [
        "consumeEnable": true, "consumeFromMinEnable": true, "consumeBroadcastEnable": true, "retryQueueNums": 1,
        "retryMaxTimes": 16, "brokerId": 0, "whichBrokerWhenConsumeSlowly": 1, "notifyConsumerIdsChangedEnable": true,
        "consumeMessageOrderly": false,
    ]

    package mutating func didDecode() throws(CometError) {
        guard !groupName.isEmpty else { throw CometError(.malformedBody, "subscriptionGroupConfig.groupName is empty") }
    }
}

/// GET_ALL_SUBSCRIPTIONGROUP_CONFIG (201) response body (RocketMQ `SubscriptionGroupWrapper`).
package struct SubscriptionGroupWrapper: JSONBody, Hashable {
    package var subscriptionGroupTable: [String: SubscriptionGroupConfig]
    package var dataVersion: DataVersion

    package init(subscriptionGroupTable: [String: SubscriptionGroupConfig], dataVersion: DataVersion) {
        self.subscriptionGroupTable = subscriptionGroupTable
        self.dataVersion = dataVersion
    }
}

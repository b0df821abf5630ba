package import CometCore

/// A consumer group's broker-side settings (RocketMQ `SubscriptionGroupConfig`): the body of
/// UPDATE_AND_CREATE_SUBSCRIPTIONGROUP (200) and an entry of `config/subscriptionGroup.json`.
/// Members a peer leaves out take RocketMQ's defaults.
package struct SubscriptionGroupConfig: Sendable, Hashable {
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

    package init(groupName: String) { self.groupName = groupName }

    package init(json: JSONValue) throws(CometError) {
        let r = try JSONObjectReader(json, "subscriptionGroupConfig")
        groupName = try r.string("groupName")
        guard !groupName.isEmpty else { throw CometError(.malformedBody, "subscriptionGroupConfig.groupName is empty") }
        consumeEnable = r.bool("consumeEnable", default: true)
        consumeFromMinEnable = r.bool("consumeFromMinEnable", default: true)
        consumeBroadcastEnable = r.bool("consumeBroadcastEnable", default: true)
        retryQueueNums = try r.int32("retryQueueNums", default: 1)
        retryMaxTimes = try r.int32("retryMaxTimes", default: 16)
        brokerId = try r.int64("brokerId", default: 0)
        whichBrokerWhenConsumeSlowly = try r.int64("whichBrokerWhenConsumeSlowly", default: 1)
        notifyConsumerIdsChangedEnable = r.bool("notifyConsumerIdsChangedEnable", default: true)
        consumeMessageOrderly = r.bool("consumeMessageOrderly", default: false)
    }

    package var json: JSONValue {
        .object([
            "groupName": .string(groupName), "consumeEnable": .bool(consumeEnable),
            "consumeFromMinEnable": .bool(consumeFromMinEnable),
            "consumeBroadcastEnable": .bool(consumeBroadcastEnable),
            "retryQueueNums": .int(retryQueueNums), "retryMaxTimes": .int(retryMaxTimes), "brokerId": .int(brokerId),
            "whichBrokerWhenConsumeSlowly": .int(whichBrokerWhenConsumeSlowly),
            "notifyConsumerIdsChangedEnable": .bool(notifyConsumerIdsChangedEnable),
            "consumeMessageOrderly": .bool(consumeMessageOrderly),
        ])
    }
}

extension SubscriptionGroupConfig: JSONBody {}

/// GET_ALL_SUBSCRIPTIONGROUP_CONFIG (201) response body (RocketMQ `SubscriptionGroupWrapper`).
package struct SubscriptionGroupWrapper: JSONBody, Hashable {
    package var subscriptionGroupTable: [String: SubscriptionGroupConfig]
    package var dataVersion: DataVersion

    package init(subscriptionGroupTable: [String: SubscriptionGroupConfig], dataVersion: DataVersion) {
        self.subscriptionGroupTable = subscriptionGroupTable
        self.dataVersion = dataVersion
    }

    package init(json: JSONValue) throws(CometError) {
        let r = try JSONObjectReader(json, "subscriptionGroupWrapper")
        var table: [String: SubscriptionGroupConfig] = [:]
        for (name, config) in r.object("subscriptionGroupTable") {
            table[name] = try SubscriptionGroupConfig(json: config)
        }
        subscriptionGroupTable = table
        dataVersion =
            try r.members["dataVersion"].map { v throws(CometError) in try DataVersion(json: v) }
            ?? DataVersion(timestamp: 0, counter: 0)
    }

    package var json: JSONValue {
        .object([
            "subscriptionGroupTable": .object(subscriptionGroupTable.mapValues(\.json)),
            "dataVersion": dataVersion.json,
        ])
    }
}

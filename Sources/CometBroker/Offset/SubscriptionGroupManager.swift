package import CometCore
import CometProtocol
import Synchronization

/// A consumer group's broker-side settings (RocketMQ `SubscriptionGroupConfig`).
package struct SubscriptionGroupConfig: Sendable, Hashable {
    package var groupName: String
    package var consumeEnable = true
    package var consumeBroadcastEnable = true
    package var retryQueueNums: Int32 = 1
    /// Deliveries before a message goes to the dead-letter topic.
    package var retryMaxTimes: Int32 = 16
    package var notifyConsumerIdsChangedEnable = true
    /// `consumeMessageOrderly`: v5 (POP) consumers get one message per message group at a time.
    package var consumeMessageOrderly = false

    package init(groupName: String) { self.groupName = groupName }

    init(json: JSONValue) throws(CometError) {
        let r = try JSONObjectReader(json, "subscriptionGroupConfig")
        groupName = try r.string("groupName")
        consumeEnable = r.bool("consumeEnable", default: true)
        consumeBroadcastEnable = r.bool("consumeBroadcastEnable", default: true)
        retryQueueNums = try r.int32("retryQueueNums", default: 1)
        retryMaxTimes = try r.int32("retryMaxTimes", default: 16)
        notifyConsumerIdsChangedEnable = r.bool("notifyConsumerIdsChangedEnable", default: true)
        consumeMessageOrderly = r.bool("consumeMessageOrderly", default: false)
    }

    var json: JSONValue {
        .object([
            "groupName": .string(groupName), "consumeEnable": .bool(consumeEnable),
            "consumeBroadcastEnable": .bool(consumeBroadcastEnable), "retryQueueNums": .int(retryQueueNums),
            "retryMaxTimes": .int(retryMaxTimes),
            "notifyConsumerIdsChangedEnable": .bool(notifyConsumerIdsChangedEnable),
            "consumeFromMinEnable": .bool(true), "consumeMessageOrderly": .bool(consumeMessageOrderly),
            "brokerId": .int(0), "whichBrokerWhenConsumeSlowly": .int(1),
        ])
    }
}

/// Consumer groups known to the broker, auto-created on first use when allowed, persisted to
/// `config/subscriptionGroup.json`.
package final class SubscriptionGroupManager: Sendable {
    private let groups: Mutex<[String: SubscriptionGroupConfig]>
    private let path: String
    private let autoCreate: Bool

    package init(configDirectory: String, autoCreate: Bool) throws(CometError) {
        path = configDirectory + "/subscriptionGroup.json"
        self.autoCreate = autoCreate
        var table: [String: SubscriptionGroupConfig] = [:]
        if let json = try JSONFile.read(path) {
            for (name, config) in try JSONObjectReader(json, path).object("subscriptionGroupTable") {
                table[name] = try SubscriptionGroupConfig(json: config)
            }
        }
        groups = Mutex(table)
    }

    /// The group's settings, creating defaults when auto-creation is on; `nil` otherwise.
    /// A group's settings if it exists (never creates one).
    package func existing(_ name: String) -> SubscriptionGroupConfig? {
        groups.withLock { $0[name] }
    }

    package func group(_ name: String) throws(CometError) -> SubscriptionGroupConfig? {
        let (config, created) = groups.withLock { groups -> (SubscriptionGroupConfig?, Bool) in
            if let existing = groups[name] { return (existing, false) }
            guard autoCreate else { return (nil, false) }
            let config = SubscriptionGroupConfig(groupName: name)
            groups[name] = config
            return (config, true)
        }
        if created { try persist() }
        return config
    }

    /// Creates or replaces a group's settings.
    package func update(_ config: SubscriptionGroupConfig) throws(CometError) {
        groups.withLock { $0[config.groupName] = config }
        try persist()
    }

    /// All group names.
    package var names: [String] { groups.withLock { $0.keys.sorted() } }

    private func persist() throws(CometError) {
        let snapshot = groups.withLock { $0 }
        try JSONFile.write(
            .object([
                "subscriptionGroupTable": .object(snapshot.mapValues(\.json)),
                "dataVersion": DataVersion(timestamp: 0, counter: Int64(snapshot.count)).json,
            ]), to: path)
    }
}

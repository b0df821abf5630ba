package import CometCore
package import CometProtocol
import CometStore
import Synchronization

/// The broker's topics: read/write queue counts and permissions, persisted to
/// `config/topics.json` in RocketMQ's `TopicConfigSerializeWrapper` shape.
///
/// Every change bumps the data version, which tells name servers to take the new queue data.
package final class TopicConfigManager: Sendable {
    /// The topic producers fall back to when theirs has no route; its INHERIT permission allows
    /// auto-creation.
    package static let defaultTopic = "TBW102"
    /// Prefix of a consumer group's retry topic.
    package static let retryPrefix = "%RETRY%"
    /// Prefix of a consumer group's dead-letter topic.
    package static let dlqPrefix = "%DLQ%"

    private struct State {
        var topics: [String: TopicConfig]
        var dataVersion: DataVersion
    }

    private let state: Mutex<State>
    private let path: String
    private let file: MetadataFile
    private let clock: WallClock

    /// Loads `topics.json` from `configDirectory`, adding the system topics a broker always has.
    package init(configuration: BrokerConfiguration, clock: WallClock = .system) throws(CometError) {
        path = configuration.configDirectory + "/topics.json"
        file = MetadataFile(path: path)
        self.clock = clock
        var topics: [String: TopicConfig] = [:]
        var version = DataVersion(timestamp: clock.nowMillis(), counter: 0)
        if let json = try JSONFile.read(path) {
            let wrapper = try TopicConfigSerializeWrapper(json: json)
            topics = wrapper.topicConfigTable
            version = wrapper.dataVersion
        }
        var system: [TopicConfig] = [
            TopicConfig(topicName: "SELF_TEST_TOPIC", readQueueNums: 1, writeQueueNums: 1),
            TopicConfig(topicName: "OFFSET_MOVED_EVENT", readQueueNums: 1, writeQueueNums: 1),
            TopicConfig(
                topicName: configuration.clusterName, readQueueNums: 16, writeQueueNums: 16,
                perm: configuration.brokerPermission),
            TopicConfig(
                topicName: configuration.brokerName, readQueueNums: 1, writeQueueNums: 1,
                perm: configuration.brokerPermission),
            // Request-reply: repliers send here; the broker pushes each reply to its requester.
            TopicConfig(topicName: configuration.clusterName + "_REPLY_TOPIC", readQueueNums: 1, writeQueueNums: 1),
        ]
        if configuration.autoCreateTopicEnable {
            system.append(
                TopicConfig(
                    topicName: Self.defaultTopic, readQueueNums: configuration.defaultTopicQueueNums,
                    writeQueueNums: configuration.defaultTopicQueueNums, perm: [.inherit, .read, .write]))
        } else {
            topics.removeValue(forKey: Self.defaultTopic)
        }
        for topic in system where topics[topic.topicName] == nil { topics[topic.topicName] = topic }
        // A changed default queue count in broker.conf applies to the default topic at once.
        if configuration.autoCreateTopicEnable {
            topics[Self.defaultTopic]?.readQueueNums = configuration.defaultTopicQueueNums
            topics[Self.defaultTopic]?.writeQueueNums = configuration.defaultTopicQueueNums
        }
        state = Mutex(State(topics: topics, dataVersion: version))
        try persist()
    }

    /// The configuration of `topic`, if it exists.
    package func topic(_ name: String) -> TopicConfig? { state.withLock { $0.topics[name] } }

    /// Every topic and the table's data version (GET_ALL_TOPIC_CONFIG, registration).
    package var snapshot: TopicConfigSerializeWrapper {
        state.withLock { TopicConfigSerializeWrapper(topicConfigTable: $0.topics, dataVersion: $0.dataVersion) }
    }

    /// Creates `topic` on first send, modelled on `defaultTopic` when that topic allows it
    /// (INHERIT permission). Queue count = min(requested, the default topic's write queues).
    /// Returns `nil` when auto-creation is not possible.
    package func createOnSend(
        _ topic: String, defaultTopic: String, queueNums: Int32, topicSysFlag: Int32
    ) throws(CometError) -> TopicConfig? {
        let created: TopicConfig? = state.withLock { state in
            if let existing = state.topics[topic] { return existing }
            guard let template = state.topics[defaultTopic], template.perm.contains(.inherit) else { return nil }
            let count = max(1, min(queueNums, template.writeQueueNums))
            var perm = template.perm
            perm.remove(.inherit)
            let config = TopicConfig(
                topicName: topic, readQueueNums: count, writeQueueNums: count, perm: perm, topicSysFlag: topicSysFlag)
            state.topics[topic] = config
            bump(&state)
            return config
        }
        if created != nil { try persist() }
        return created
    }

    /// Creates a system-managed topic (retry, dead-letter) if it does not exist yet.
    /// Returns the topic and whether it was created now.
    package func createIfAbsent(_ config: TopicConfig) throws(CometError) -> (TopicConfig, Bool) {
        let (result, created) = state.withLock { state in
            if let existing = state.topics[config.topicName] { return (existing, false) }
            state.topics[config.topicName] = config
            bump(&state)
            return (config, true)
        }
        if created { try persist() }
        return (result, created)
    }

    /// A slave's copy of its master's table (upstream `SlaveSynchronize.syncTopicConfig`): replaces
    /// every topic when the master's data version differs. Returns whether anything changed.
    package func replaceAll(with master: TopicConfigSerializeWrapper) throws(CometError) -> Bool {
        let changed = state.withLock { state -> Bool in
            guard state.dataVersion != master.dataVersion else { return false }
            state.topics = master.topicConfigTable
            state.dataVersion = master.dataVersion
            return true
        }
        if changed { try persist() }
        return changed
    }

    /// Creates or replaces a topic (UPDATE_AND_CREATE_TOPIC).
    package func update(_ config: TopicConfig) throws(CometError) {
        state.withLock { state in
            state.topics[config.topicName] = config
            bump(&state)
        }
        try persist()
    }

    /// Deletes a topic; returns whether it existed.
    package func delete(_ topic: String) throws(CometError) -> Bool {
        let existed = state.withLock { state in
            guard state.topics.removeValue(forKey: topic) != nil else { return false }
            bump(&state)
            return true
        }
        if existed { try persist() }
        return existed
    }

    /// Bumps the data version without changing a topic, so name servers take the queue data again
    /// (the broker's permission changed).
    package func touch() throws(CometError) {
        state.withLock { bump(&$0) }
        try persist()
    }

    private func bump(_ state: inout State) {
        state.dataVersion = DataVersion(timestamp: clock.nowMillis(), counter: state.dataVersion.counter + 1)
    }

    private func persist() throws(CometError) {
        try file.changed { [self] in snapshot.json }
    }
}

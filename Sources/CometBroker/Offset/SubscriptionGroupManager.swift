package import CometCore
package import CometProtocol
import CometStore
import Synchronization

/// Consumer groups known to the broker, auto-created on first use when allowed, persisted to
/// `config/subscriptionGroup.json` (RocketMQ's `SubscriptionGroupWrapper` shape).
package final class SubscriptionGroupManager: Sendable {
    /// Groups every RocketMQ broker has (`SubscriptionGroupManager.init`); tools rely on them.
    package static let builtInGroups = [
        "TOOLS_CONSUMER", "FILTERSRV_CONSUMER", "SELF_TEST_C_GROUP", "CID_ONS-HTTP-PROXY", "CID_ONSAPI_PULL",
        "CID_ONSAPI_PERMISSION", "CID_ONSAPI_OWNER",
    ]

    private struct State {
        var groups: [String: SubscriptionGroupConfig]
        var dataVersion: DataVersion
    }

    private let state: Mutex<State>
    private let file: MetadataFile
    private let autoCreate: Bool
    private let clock: WallClock

    package init(configDirectory: String, autoCreate: Bool, clock: WallClock = .system) throws(CometError) {
        let path = configDirectory + "/subscriptionGroup.json"
        file = MetadataFile(path: path)
        self.autoCreate = autoCreate
        self.clock = clock
        var table: [String: SubscriptionGroupConfig] = [:]
        var version = DataVersion(timestamp: clock.nowMillis(), counter: 0)
        if let json = try JSONFile.read(path) {
            let wrapper = try SubscriptionGroupWrapper(json: json)
            table = wrapper.subscriptionGroupTable
            version = wrapper.dataVersion
        }
        for name in Self.builtInGroups where table[name] == nil {
            table[name] = SubscriptionGroupConfig(groupName: name)
        }
        state = Mutex(State(groups: table, dataVersion: version))
    }

    /// A group's settings if it exists (never creates one).
    package func existing(_ name: String) -> SubscriptionGroupConfig? { state.withLock { $0.groups[name] } }

    /// Longest group name: its retry topic `%RETRY%<group>` must be a legal topic name.
    package static let maxNameLength = TopicValidator.maxLength - TopicConfigManager.retryPrefix.count

    /// Throws `.invalidArgument` unless `name` could name a topic (same characters) and its
    /// retry topic fits the topic length limit.
    package static func validate(_ name: String) throws(CometError) {
        guard name.utf8.count <= maxNameLength else {
            throw CometError(.invalidArgument, "consumer group name is longer than \(maxNameLength) characters")
        }
        do {
            try TopicValidator.validate(name)
        } catch {
            throw CometError(.invalidArgument, "illegal consumer group name: \(error.message)")
        }
    }

    /// The group's settings, creating defaults when auto-creation is on; `nil` otherwise. A new
    /// group's name is validated first (see ``validate(_:)``).
    package func group(_ name: String) throws(CometError) -> SubscriptionGroupConfig? {
        if autoCreate, state.withLock({ $0.groups[name] == nil }) { try Self.validate(name) }
        let now = clock.nowMillis()
        let (config, created) = state.withLock { state -> (SubscriptionGroupConfig?, Bool) in
            if let existing = state.groups[name] { return (existing, false) }
            guard autoCreate else { return (nil, false) }
            let config = SubscriptionGroupConfig(groupName: name)
            state.groups[name] = config
            state.dataVersion = DataVersion(timestamp: now, counter: state.dataVersion.counter + 1)
            return (config, true)
        }
        if created { try persist() }
        return config
    }

    /// A slave's copy of its master's groups: replaces them all when the master's data version
    /// differs. Returns whether anything changed.
    package func replaceAll(with master: SubscriptionGroupWrapper) throws(CometError) -> Bool {
        let changed = state.withLock { state -> Bool in
            guard state.dataVersion != master.dataVersion else { return false }
            state.groups = master.subscriptionGroupTable
            state.dataVersion = master.dataVersion
            return true
        }
        if changed { try persist() }
        return changed
    }

    /// Creates or replaces a group's settings (UPDATE_AND_CREATE_SUBSCRIPTIONGROUP).
    package func update(_ config: SubscriptionGroupConfig) throws(CometError) {
        let now = clock.nowMillis()
        state.withLock { state in
            state.groups[config.groupName] = config
            state.dataVersion = DataVersion(timestamp: now, counter: state.dataVersion.counter + 1)
        }
        try persist()
    }

    /// Deletes a group's settings (DELETE_SUBSCRIPTIONGROUP); returns whether it existed.
    package func delete(_ name: String) throws(CometError) -> Bool {
        let now = clock.nowMillis()
        let existed = state.withLock { state in
            guard state.groups.removeValue(forKey: name) != nil else { return false }
            state.dataVersion = DataVersion(timestamp: now, counter: state.dataVersion.counter + 1)
            return true
        }
        if existed { try persist() }
        return existed
    }

    /// All group names.
    package var names: [String] { state.withLock { $0.groups.keys.sorted() } }

    /// Every group and the table's data version (GET_ALL_SUBSCRIPTIONGROUP_CONFIG).
    package var snapshot: SubscriptionGroupWrapper {
        state.withLock { SubscriptionGroupWrapper(subscriptionGroupTable: $0.groups, dataVersion: $0.dataVersion) }
    }

    private func persist() throws(CometError) {
        try file.changed { [self] in snapshot.json }
    }
}

package import CometCore
import CometProtocol
import Synchronization

/// Committed consumer offsets per group, topic and queue, persisted to
/// `config/consumerOffset.json` as `{"offsetTable":{"topic@group":{"0":12,...}}}` (RocketMQ's shape).
///
/// Commits only touch memory; ``persist()`` runs every few seconds and at shutdown.
package final class ConsumerOffsetManager: Sendable {
    private struct State {
        var table: [String: [Int32: Int64]] = [:]
        var dirty = false
    }

    private let state: Mutex<State>
    private let path: String

    package init(configDirectory: String) throws(CometError) {
        path = configDirectory + "/consumerOffset.json"
        var table: [String: [Int32: Int64]] = [:]
        if let json = try JSONFile.read(path) {
            let reader = try JSONObjectReader(json, path)
            for (key, queues) in reader.object("offsetTable") {
                var offsets: [Int32: Int64] = [:]
                for (queue, offset) in queues.objectValue ?? [:] {
                    guard let id = Int32(queue), let value = offset.int64Value else {
                        throw CometError(.io, "\(path): invalid offset entry \(key)/\(queue)")
                    }
                    offsets[id] = value
                }
                table[key] = offsets
            }
        }
        state = Mutex(State(table: table))
    }

    private static func key(_ topic: String, _ group: String) -> String { topic + "@" + group }

    /// The committed offset, or `nil` if the group never committed on that queue.
    package func offset(group: String, topic: String, queueId: Int32) -> Int64? {
        state.withLock { $0.table[Self.key(topic, group)]?[queueId] }
    }

    /// A slave's copy of its master's offsets (upstream `putAll`): each `topic@group` entry of
    /// `table` replaces the local one; entries only the slave has stay.
    package func putAll(_ table: [String: [Int32: Int64]]) {
        state.withLock { state in
            for (key, offsets) in table { state.table[key] = offsets }
            state.dirty = true
        }
    }

    /// Records a commit.
    package func commit(group: String, topic: String, queueId: Int32, offset: Int64) {
        state.withLock { state in
            state.table[Self.key(topic, group), default: [:]][queueId] = offset
            state.dirty = true
        }
    }

    /// Every queue's committed offset for one group and topic.
    package func offsets(group: String, topic: String) -> [Int32: Int64] {
        state.withLock { $0.table[Self.key(topic, group)] ?? [:] }
    }

    /// Topics a group has committed offsets for.
    package func topics(of group: String) -> [String] {
        let suffix = "@" + group
        return state.withLock { state in
            state.table.keys.filter { $0.hasSuffix(suffix) }.map { String($0.dropLast(suffix.count)) }.sorted()
        }
    }

    /// The whole table, `topic@group` → queue → offset (GET_ALL_CONSUMER_OFFSET).
    package var table: [String: [Int32: Int64]] { state.withLock { $0.table } }

    /// Groups with committed offsets on `topic`.
    package func groups(of topic: String) -> [String] {
        let prefix = topic + "@"
        return state.withLock { state in
            state.table.keys.filter { $0.hasPrefix(prefix) }.map { String($0.dropFirst(prefix.count)) }.sorted()
        }
    }

    /// Forgets every offset of `group` (DELETE_SUBSCRIPTIONGROUP with removeOffset).
    package func removeGroup(_ group: String) {
        let suffix = "@" + group
        state.withLock { state in
            let before = state.table.count
            state.table = state.table.filter { !$0.key.hasSuffix(suffix) }
            state.dirty = state.dirty || state.table.count != before
        }
    }

    /// Copies `source`'s offsets on `topic` over `destination`'s (CLONE_GROUP_OFFSET).
    package func clone(topic: String, from source: String, to destination: String) {
        state.withLock { state in
            guard let offsets = state.table[Self.key(topic, source)] else { return }
            state.table[Self.key(topic, destination)] = offsets
            state.dirty = true
        }
    }

    /// Forgets every offset of `topic` (the topic was deleted).
    package func removeTopic(_ topic: String) {
        let prefix = topic + "@"
        state.withLock { state in
            let before = state.table.count
            state.table = state.table.filter { !$0.key.hasPrefix(prefix) }
            state.dirty = state.dirty || state.table.count != before
        }
    }

    /// Writes the table if anything changed since the last write.
    package func persist() throws(CometError) {
        let snapshot: [String: [Int32: Int64]]? = state.withLock { state in
            guard state.dirty else { return nil }
            state.dirty = false
            return state.table
        }
        guard let snapshot else { return }
        let json = JSONValue.object([
            "offsetTable": .object(
                snapshot.mapValues { queues in
                    .object(Dictionary(uniqueKeysWithValues: queues.map { (String($0.key), JSONValue.int($0.value)) }))
                })
        ])
        do {
            try JSONFile.write(json, to: path)
        } catch {
            state.withLock { $0.dirty = true }
            throw error
        }
    }
}

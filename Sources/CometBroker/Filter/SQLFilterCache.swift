package import CometCore
import Synchronization

/// Compiled SQL92 subscriptions by (group, topic, expression), so a subscription is parsed once and
/// not per pull (RocketMQ `ConsumerFilterManager`). Failures are cached too, so a bad expression
/// repeated by every heartbeat costs one parse. Bounded: past ``capacity`` entries it starts over.
package final class SQLFilterCache: Sendable {
    private struct Key: Hashable {
        var group: String
        var topic: String
        var expression: String
    }

    private let entries = Mutex<[Key: Result<SQLFilter, CometError>]>([:])
    /// Maximum number of cached expressions.
    package let capacity: Int

    package init(capacity: Int = 4096) { self.capacity = capacity }

    /// The compiled filter for a subscription, compiling it on first use.
    package func filter(group: String, topic: String, expression: String) throws(CometError) -> SQLFilter {
        let key = Key(group: group, topic: topic, expression: expression)
        if let cached = entries.withLock({ $0[key] }) { return try cached.get() }
        let result: Result<SQLFilter, CometError>
        do {
            result = .success(try SQLFilter.compile(expression))
        } catch {
            result = .failure(error)
        }
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[key] = result
        }
        return try result.get()
    }

    /// Number of cached expressions.
    package var count: Int { entries.withLock { $0.count } }
}

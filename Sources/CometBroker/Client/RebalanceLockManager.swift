package import CometProtocol
import Synchronization

/// Queue locks for orderly consumers: at most one client of a group consumes a queue at a time.
///
/// A lock lasts `expiryMillis` after its last renewal (clients renew every 20 s), so a client that
/// dies without unlocking frees its queues after the lease.
package struct RebalanceLockTable: Sendable {
    private struct Lock: Sendable {
        var clientId: String
        var lastUpdate: Int64
    }

    private var locks: [String: [MessageQueue: Lock]] = [:]
    package let expiryMillis: Int64

    package init(expiryMillis: Int64) { self.expiryMillis = expiryMillis }

    /// Locks or renews `queues` for `clientId`; returns the queues the client now holds.
    package mutating func tryLock(group: String, clientId: String, queues: [MessageQueue], now: Int64) -> [MessageQueue]
    {
        var granted: [MessageQueue] = []
        var table = locks[group] ?? [:]
        for queue in queues {
            if let lock = table[queue], lock.clientId != clientId, now - lock.lastUpdate <= expiryMillis { continue }
            table[queue] = Lock(clientId: clientId, lastUpdate: now)
            granted.append(queue)
        }
        locks[group] = table
        return granted.sorted()
    }

    /// Releases those of `queues` that `clientId` holds.
    package mutating func unlock(group: String, clientId: String, queues: [MessageQueue]) {
        for queue in queues where locks[group]?[queue]?.clientId == clientId {
            locks[group]?.removeValue(forKey: queue)
        }
    }

    /// Whether `clientId` holds an unexpired lock on `queue`.
    package func isLocked(group: String, queue: MessageQueue, by clientId: String, now: Int64) -> Bool {
        guard let lock = locks[group]?[queue] else { return false }
        return lock.clientId == clientId && now - lock.lastUpdate <= expiryMillis
    }
}

package import CometStore
import Synchronization

/// Long polling: a pull that finds nothing waits here until a matching message arrives for its
/// queue, its suspend time ends, or its connection goes away (RocketMQ `PullRequestHoldService`).
///
/// The store's writer thread reports arrivals; ``waitForMessage`` returns at once when one is
/// past the waiting offset, so the pull is answered within milliseconds of the send.
package final class PullRequestHoldService: Sendable {
    private struct QueueKey: Hashable {
        var topic: String
        var queueId: Int32
    }

    private struct Waiter {
        var offset: Int64
        var tagsCodes: Set<Int64>?
        var deadline: Int64
        /// The connection the pull came on (``RemotingConnection/id``), released when it closes.
        var connectionId: UInt64?
        var continuation: CheckedContinuation<Void, Never>
    }

    private struct State {
        var waiters: [QueueKey: [UInt64: Waiter]] = [:]
        var nextId: UInt64 = 0
        var isShutdown = false
    }

    private let state = Mutex(State())

    package init() {}

    /// Number of pulls currently held.
    package var heldCount: Int { state.withLock { $0.waiters.values.reduce(0) { $0 + $1.count } } }

    /// Suspends until a message past `offset` (matching `tagsCodes`, if given) arrives, until
    /// `deadline` (ms, checked by ``expire(now:)``), or until the task is cancelled.
    /// `currentMaxOffset` is read after registering, so an arrival racing the registration is not missed.
    /// A pull with a `connectionId` is also released by ``connectionClosed(_:)``.
    package func waitForMessage(
        topic: String, queueId: Int32, offset: Int64, tagsCodes: Set<Int64>?, deadline: Int64,
        connectionId: UInt64? = nil, currentMaxOffset: @Sendable () -> Int64
    ) async {
        let key = QueueKey(topic: topic, queueId: queueId)
        let id = state.withLock { state -> UInt64 in
            state.nextId += 1
            return state.nextId
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let registered = state.withLock { state -> Bool in
                    guard !state.isShutdown, !Task.isCancelled else { return false }
                    state.waiters[key, default: [:]][id] = Waiter(
                        offset: offset, tagsCodes: tagsCodes, deadline: deadline, connectionId: connectionId,
                        continuation: continuation)
                    return true
                }
                guard registered else {
                    continuation.resume()
                    return
                }
                if currentMaxOffset() > offset { wake(key, id) }
            }
        } onCancel: {
            wake(key, id)
        }
    }

    /// Called by the store after it appended to a queue.
    package func messageArrived(_ arrival: MessageArrival) {
        let key = QueueKey(topic: arrival.topic, queueId: arrival.queueID)
        let ready = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            guard let waiters = state.waiters[key] else { return [] }
            var ready: [CheckedContinuation<Void, Never>] = []
            var kept: [UInt64: Waiter] = [:]
            for (id, waiter) in waiters {
                let matches = waiter.tagsCodes.map { $0.contains(arrival.tagsCode) } ?? true
                if arrival.maxOffset > waiter.offset && matches {
                    ready.append(waiter.continuation)
                } else {
                    kept[id] = waiter
                }
            }
            state.waiters[key] = kept.isEmpty ? nil : kept
            return ready
        }
        for continuation in ready { continuation.resume() }
    }

    /// Releases pulls whose deadline passed.
    package func expire(now: Int64) {
        let due = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            var due: [CheckedContinuation<Void, Never>] = []
            for (key, waiters) in state.waiters {
                let kept = waiters.filter { $0.value.deadline > now }
                guard kept.count != waiters.count else { continue }
                due += waiters.values.filter { $0.deadline <= now }.map(\.continuation)
                state.waiters[key] = kept.isEmpty ? nil : kept
            }
            return due
        }
        for continuation in due { continuation.resume() }
    }

    /// Releases the pulls held for a connection that closed: nobody reads their answers, and
    /// they would otherwise keep their tasks until the deadline.
    package func connectionClosed(_ connectionId: UInt64) {
        let released = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            var released: [CheckedContinuation<Void, Never>] = []
            for (key, waiters) in state.waiters {
                let kept = waiters.filter { $0.value.connectionId != connectionId }
                guard kept.count != waiters.count else { continue }
                released += waiters.values.filter { $0.connectionId == connectionId }.map(\.continuation)
                state.waiters[key] = kept.isEmpty ? nil : kept
            }
            return released
        }
        for continuation in released { continuation.resume() }
    }

    /// Releases every held pull and refuses new holds (broker shutting down).
    package func shutdown() {
        let all = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.isShutdown = true
            defer { state.waiters.removeAll() }
            return state.waiters.values.flatMap { $0.values.map(\.continuation) }
        }
        for continuation in all { continuation.resume() }
    }

    private func wake(_ key: QueueKey, _ id: UInt64) {
        let waiter = state.withLock { state -> Waiter? in
            let waiter = state.waiters[key]?.removeValue(forKey: id)
            if state.waiters[key]?.isEmpty == true { state.waiters.removeValue(forKey: key) }
            return waiter
        }
        waiter?.continuation.resume()
    }
}

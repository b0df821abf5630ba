import Synchronization

/// Long polling for POP receives: a receive that finds nothing visible waits here until a
/// message arrives on its topic, its deadline passes (checked by ``expire(now:)`` from the
/// broker's 100 ms housekeeping tick) or the task is cancelled.
///
/// Each topic has an arrival version; a receive reads it before looking for messages and waits
/// only if it has not moved since, so an arrival racing the look is never missed.
package final class PopWaiters: Sendable {
    private struct Waiter {
        var topic: String
        var deadline: Int64
        var continuation: CheckedContinuation<Void, Never>
    }

    private struct State {
        var versions: [String: UInt64] = [:]
        var waiters: [UInt64: Waiter] = [:]
        var nextID: UInt64 = 0
        var isShutdown = false
    }

    private let state = Mutex(State())

    package init() {}

    /// The arrival version of `topic`, to pass to ``wait(topic:since:deadline:)``.
    package func version(of topic: String) -> UInt64 { state.withLock { $0.versions[topic] ?? 0 } }

    /// Whether the broker is shutting down (receives answer at once).
    package var isShutdown: Bool { state.withLock { $0.isShutdown } }

    /// Number of receives waiting.
    package var waitingCount: Int { state.withLock { $0.waiters.count } }

    /// Suspends until `topic` gets a message after `version`, until `deadline` (ms) or cancellation.
    package func wait(topic: String, since version: UInt64, deadline: Int64) async {
        let id = state.withLock { state -> UInt64 in
            state.nextID += 1
            return state.nextID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let registered = state.withLock { state -> Bool in
                    guard !state.isShutdown, !Task.isCancelled, (state.versions[topic] ?? 0) == version else {
                        return false
                    }
                    state.waiters[id] = Waiter(topic: topic, deadline: deadline, continuation: continuation)
                    return true
                }
                if !registered { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.waiters.removeValue(forKey: id) }?.continuation.resume()
        }
    }

    /// A message was stored on `topic`: wakes its waiters.
    package func messageArrived(topic: String) {
        let woken = state.withLock { state -> [Waiter] in
            state.versions[topic, default: 0] &+= 1
            let due = state.waiters.filter { $0.value.topic == topic }
            for id in due.keys { state.waiters.removeValue(forKey: id) }
            return Array(due.values)
        }
        for waiter in woken { waiter.continuation.resume() }
    }

    /// Wakes waiters whose deadline has passed.
    package func expire(now: Int64) {
        let woken = state.withLock { state -> [Waiter] in
            let due = state.waiters.filter { $0.value.deadline <= now }
            for id in due.keys { state.waiters.removeValue(forKey: id) }
            return Array(due.values)
        }
        for waiter in woken { waiter.continuation.resume() }
    }

    /// Wakes every waiter and refuses new ones (broker shutdown).
    package func shutdown() {
        let woken = state.withLock { state -> [Waiter] in
            state.isShutdown = true
            defer { state.waiters.removeAll() }
            return Array(state.waiters.values)
        }
        for waiter in woken { waiter.continuation.resume() }
    }
}

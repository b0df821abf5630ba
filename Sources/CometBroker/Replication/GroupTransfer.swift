import NIOCore
import Synchronization

/// SYNC_MASTER's wait for slaves (upstream `GroupTransferService`), without a polling thread: a
/// send registers the end offset of its records and is completed by the first slave
/// acknowledgement at or past it, or by its own timer after `slaveTimeout`.
package final class GroupTransfer: Sendable {
    private struct Waiter {
        var end: Int64
        var completion: @Sendable (Bool) -> Void
        var timer: Scheduled<Void>?
    }
    private struct State {
        var nextID: UInt64 = 0
        var waiters: [UInt64: Waiter] = [:]
        var acknowledged: Int64 = 0
    }

    private let state = Mutex(State())

    init() {}

    /// Calls `completion(true)` once a slave holds everything below `end`, or `completion(false)`
    /// after `timeout` (scheduled on `eventLoop`).
    func wait(
        end: Int64, timeout: Duration, on eventLoop: any EventLoop, _ completion: @escaping @Sendable (Bool) -> Void
    ) {
        let id = state.withLock { state -> UInt64? in
            guard end > state.acknowledged else { return nil }
            state.nextID += 1
            state.waiters[state.nextID] = Waiter(end: end, completion: completion, timer: nil)
            return state.nextID
        }
        guard let id else {
            completion(true)
            return
        }
        let nanos = timeout.components.seconds * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000
        let timer = eventLoop.scheduleTask(in: .nanoseconds(nanos)) { [self] in
            if let waiter = state.withLock({ $0.waiters.removeValue(forKey: id) }) { waiter.completion(false) }
        }
        let stillWaiting = state.withLock { state -> Bool in
            guard state.waiters[id] != nil else { return false }
            state.waiters[id]?.timer = timer
            return true
        }
        if !stillWaiting { timer.cancel() }
    }

    /// A slave acknowledged everything below `offset`.
    func acknowledged(upTo offset: Int64) {
        let done = state.withLock { state -> [Waiter] in
            guard offset > state.acknowledged else { return [] }
            state.acknowledged = offset
            guard !state.waiters.isEmpty else { return [] }
            var done: [Waiter] = []
            for (id, waiter) in state.waiters where waiter.end <= offset {
                done.append(waiter)
                state.waiters.removeValue(forKey: id)
            }
            return done
        }
        for waiter in done {
            waiter.timer?.cancel()
            waiter.completion(true)
        }
    }

    /// Sends waiting now.
    package var pending: Int { state.withLock { $0.waiters.count } }
}

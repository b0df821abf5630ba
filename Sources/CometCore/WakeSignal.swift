import Synchronization

/// Wakes one background loop early: the loop sleeps until its next due time (or indefinitely when
/// nothing is due) and a producer of new work rings the signal instead of the loop polling for it.
///
/// A ring while the loop is busy is remembered, so the next ``wait(untilMillis:clock:)`` returns at
/// once and work that arrived during a pass is never slept through. One loop waits on a signal.
package final class WakeSignal: Sendable {
    private struct State {
        var rung = false
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let state = Mutex(State())

    /// A signal that has not been rung.
    package init() {}

    /// Wakes the waiting loop, or the next wait if none is waiting.
    package func ring() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard let waiter = state.waiter else {
                state.rung = true
                return nil
            }
            state.waiter = nil
            return waiter
        }
        waiter?.resume()
    }

    /// Returns when the signal is rung (or was since the last wait), when `clock` reaches
    /// `deadline` (never, if `nil`), or when the task is cancelled.
    package func wait(untilMillis deadline: Int64?, clock: WallClock) async {
        if state.withLock({ state in
            defer { state.rung = false }
            return state.rung
        }) {
            return
        }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.waitForRing() }
            if let deadline {
                group.addTask { try? await clock.sleep(untilMillis: deadline) }
            }
            await group.next()
            group.cancelAll()
        }
    }

    private func waitForRing() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    if state.rung {
                        state.rung = false
                        return true
                    }
                    if Task.isCancelled { return true }
                    state.waiter = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume()
        }
    }
}

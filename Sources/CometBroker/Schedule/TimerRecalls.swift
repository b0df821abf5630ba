package import CometCore
import Synchronization

extension MessagePropertyKey {
    /// On a record in the timer topic: the UNIQ_KEY of a pending timer message this record recalls
    /// (RocketMQ 5.x's name for its delete markers).
    package static let timerDeleteUniqueKey = "TIMER_DEL_UNIQKEY"
}

/// Timer messages recalled before they were due (the v5 RecallMessage RPC), shared by the facade
/// that accepts recalls and the ``TimerMessageService`` that delivers.
///
/// A recall is accepted only while its deliver time is after the wheel's fired boundary, and the
/// timer service checks each due message against this table after moving the boundary, under the
/// same lock: so a recall is either refused or the message is never delivered, whatever the race.
/// Durability comes from a marker record in the timer topic (``MessagePropertyKey/timerDeleteUniqueKey``),
/// which the timer service registers again when it replays the topic after a restart.
package final class TimerRecalls: Sendable {
    private struct State {
        /// UNIQ_KEY → deliver time of recalled messages not yet passed by the wheel.
        var recalled: [String: Int64] = [:]
        /// Every message due before this time (ms) has been handed to delivery.
        var firedBefore: Int64 = .min
    }

    private let state = Mutex(State())

    package init() {}

    /// Recalls the message `uniqueKey` due at `deliverAt`; false when its time has already fired.
    package func recall(uniqueKey: String, deliverAt: Int64) -> Bool {
        state.withLock { state in
            guard deliverAt >= state.firedBefore else { return false }
            state.recalled[uniqueKey] = deliverAt
            return true
        }
    }

    /// Forgets a recall whose marker could not be stored.
    package func withdraw(uniqueKey: String) {
        _ = state.withLock { $0.recalled.removeValue(forKey: uniqueKey) }
    }

    /// Registers a recall replayed from a marker record (no boundary check: the marker was accepted).
    func restore(uniqueKey: String, deliverAt: Int64) {
        state.withLock { $0.recalled[uniqueKey] = deliverAt }
    }

    /// Moves the fired boundary; recalls of messages due before it can no longer matter once
    /// their delivery step has run, so they are dropped a minute later.
    package func fired(before time: Int64) {
        state.withLock { state in
            guard time > state.firedBefore else { return }
            state.firedBefore = time
            if state.recalled.count > 0 {
                state.recalled = state.recalled.filter { $0.value >= time - 60_000 }
            }
        }
    }

    /// Whether `uniqueKey` was recalled (its delivery is then skipped).
    func isRecalled(_ uniqueKey: String?) -> Bool {
        guard let uniqueKey else { return false }
        return state.withLock { $0.recalled[uniqueKey] != nil }
    }

    /// Recalls pending (for tests and stats).
    package var count: Int { state.withLock { $0.recalled.count } }
}

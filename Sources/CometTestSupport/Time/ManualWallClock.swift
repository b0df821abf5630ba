package import CometCore
import Synchronization

/// A wall clock that moves only when the test says so, for expiry and deadline logic. Code that
/// sleeps on it (``wallClock``'s `sleep`) wakes when ``advance(by:)`` passes its deadline, so a test
/// of a timer or delay loop advances virtual time instead of waiting.
package final class ManualWallClock: Sendable {
    private struct Sleeper {
        var deadline: Int64
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var millis: Int64
        var sleepers: [Int: Sleeper] = [:]
        var nextID = 0
    }

    private let state: Mutex<State>

    /// A clock reading `startMillis` since the epoch.
    package init(startMillis: Int64 = 1_700_000_000_000) { state = Mutex(State(millis: startMillis)) }

    /// The current reading.
    package var nowMillis: Int64 { state.withLock { $0.millis } }

    /// How many tasks sleep on the clock now, so a test advances it once the code under test waits.
    package var sleeperCount: Int { state.withLock { $0.sleepers.count } }

    /// The earliest deadline a task sleeps until, if any.
    package var nextDeadline: Int64? { state.withLock { $0.sleepers.values.map(\.deadline).min() } }

    /// The clock to inject into the code under test.
    package var wallClock: WallClock {
        WallClock(
            nowMillis: { [self] in self.nowMillis }, sleepUntilMillis: { [self] in try await self.sleep(until: $0) })
    }

    /// Moves the clock forward and wakes the sleepers whose deadline it reaches.
    package func advance(by duration: Duration) {
        let (seconds, attoseconds) = duration.components
        let due = state.withLock { state -> [CheckedContinuation<Void, any Error>] in
            state.millis += seconds * 1000 + attoseconds / 1_000_000_000_000_000
            let now = state.millis
            let ids = state.sleepers.filter { $0.value.deadline <= now }.map(\.key)
            return ids.compactMap { state.sleepers.removeValue(forKey: $0)?.continuation }
        }
        for continuation in due { continuation.resume() }
    }

    private func sleep(until deadline: Int64) async throws {
        let id = state.withLock { state -> Int in
            defer { state.nextID += 1 }
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let outcome = state.withLock { state -> Result<Void, any Error>? in
                    if Task.isCancelled { return .failure(CancellationError()) }
                    if deadline <= state.millis { return .success(()) }
                    state.sleepers[id] = Sleeper(deadline: deadline, continuation: continuation)
                    return nil
                }
                if let outcome { continuation.resume(with: outcome) }
            }
        } onCancel: {
            state.withLock { $0.sleepers.removeValue(forKey: id) }?.continuation.resume(throwing: CancellationError())
        }
    }
}

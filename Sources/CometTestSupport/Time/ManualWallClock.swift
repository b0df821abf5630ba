package import CometCore
import Synchronization

/// A wall clock that moves only when the test says so, for expiry and deadline logic.
package final class ManualWallClock: Sendable {
    private let millis: Atomic<Int64>

    /// A clock reading `startMillis` since the epoch.
    package init(startMillis: Int64 = 1_700_000_000_000) { millis = Atomic(startMillis) }

    /// The current reading.
    package var nowMillis: Int64 { millis.load(ordering: .relaxed) }

    /// The clock to inject into the code under test.
    package var wallClock: WallClock { WallClock { [self] in self.nowMillis } }

    /// Moves the clock forward.
    package func advance(by duration: Duration) {
        let (seconds, attoseconds) = duration.components
        millis.add(seconds * 1000 + attoseconds / 1_000_000_000_000_000, ordering: .relaxed)
    }
}

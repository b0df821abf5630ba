#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Milliseconds since the Unix epoch, injectable so time-based logic (broker expiry, heartbeats,
/// delayed and timer delivery) can be tested without waiting: a test clock moves both the reading
/// and the sleepers (see `ManualWallClock` in CometTestSupport).
package struct WallClock: Sendable {
    /// The current reading.
    package var nowMillis: @Sendable () -> Int64
    /// Suspends until the clock reads at least the given time (ms since the epoch); throws
    /// `CancellationError` if the task is cancelled first.
    package var sleepUntilMillis: @Sendable (Int64) async throws -> Void

    /// A clock read by `nowMillis` whose sleeps last the difference on the system's monotonic clock.
    package init(
        nowMillis: @escaping @Sendable () -> Int64,
        sleepUntilMillis: (@Sendable (Int64) async throws -> Void)? = nil
    ) {
        self.nowMillis = nowMillis
        self.sleepUntilMillis =
            sleepUntilMillis ?? { deadline in
                let wait = deadline - nowMillis()
                if wait > 0 { try await Task.sleep(for: .milliseconds(wait)) }
            }
    }

    /// Suspends until the clock reads `deadline` (ms since the epoch).
    package func sleep(untilMillis deadline: Int64) async throws { try await sleepUntilMillis(deadline) }

    /// Suspends for `duration` as this clock counts it.
    package func sleep(for duration: Duration) async throws {
        let (seconds, attoseconds) = duration.components
        try await sleepUntilMillis(nowMillis() &+ seconds &* 1000 &+ attoseconds / 1_000_000_000_000_000)
    }

    /// The operating system's real-time clock.
    package static let system = WallClock {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
    }
}

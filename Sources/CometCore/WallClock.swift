#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Milliseconds since the Unix epoch, injectable so time-based logic (broker expiry, heartbeats)
/// can be tested without waiting.
package struct WallClock: Sendable {
    package var nowMillis: @Sendable () -> Int64

    package init(nowMillis: @escaping @Sendable () -> Int64) { self.nowMillis = nowMillis }

    /// The operating system's real-time clock.
    package static let system = WallClock {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
    }
}

package import CometCore

/// The delay levels of RocketMQ's scheduled messages (`messageDelayLevel`, storage-format.md §8):
/// level `n` (1-based) waits `delays[n - 1]` milliseconds; level 0 means no delay.
package struct DelayLevelTable: Sendable, Hashable {
    /// RocketMQ's default: 18 levels from 1 s to 2 h.
    package static let defaultLevels = "1s 5s 10s 30s 1m 2m 3m 4m 5m 6m 7m 8m 9m 10m 20m 30m 1h 2h"

    /// Delay of each level in milliseconds, level 1 first.
    package let delays: [Int64]

    /// Parses a space-separated list of `<number><unit>` with unit `ms`, `s`, `m`, `h` or `d`.
    package init(parsing text: String) throws(CometError) {
        var delays: [Int64] = []
        for token in text.split(whereSeparator: { $0 == " " || $0 == "\t" }) {
            let unitStart = token.firstIndex(where: { !$0.isNumber }) ?? token.endIndex
            guard let amount = Int64(token[..<unitStart]), amount >= 0 else {
                throw CometError(.invalidConfiguration, "messageDelayLevel: '\(token)' does not start with a number")
            }
            let multiplier: Int64
            switch token[unitStart...] {
            case "ms": multiplier = 1
            case "s": multiplier = 1000
            case "m": multiplier = 60_000
            case "h": multiplier = 3_600_000
            case "d": multiplier = 86_400_000
            default:
                throw CometError(.invalidConfiguration, "messageDelayLevel: '\(token)' has no unit ms, s, m, h or d")
            }
            let (millis, overflow) = amount.multipliedReportingOverflow(by: multiplier)
            guard !overflow else {
                throw CometError(.invalidConfiguration, "messageDelayLevel: '\(token)' is too large")
            }
            delays.append(millis)
        }
        guard !delays.isEmpty else { throw CometError(.invalidConfiguration, "messageDelayLevel holds no level") }
        self.delays = delays
    }

    /// The highest level.
    package var maxLevel: Int32 { Int32(delays.count) }

    /// The level a requested `DELAY` value maps to: values above the maximum are capped (as
    /// upstream does), 0 and negatives mean "no delay" (`nil`).
    package func level(for requested: Int32) -> Int32? {
        requested <= 0 ? nil : min(requested, maxLevel)
    }

    /// Delay of `level` in milliseconds (levels outside the table are clamped).
    package func delayMillis(level: Int32) -> Int64 {
        delays[Int(min(max(level, 1), maxLevel)) - 1]
    }
}

import CometProtocol

/// One statistic (RocketMQ `StatsItem`): a running total plus what was added in the last minute,
/// hour and day. A pure value; ``BrokerStatsManager`` keeps it under a lock and passes the time.
struct StatsItem: Sendable {
    private(set) var value: Int64 = 0
    private(set) var times: Int64 = 0
    let createdAt: Int64
    private var seconds = RollingWindow(slots: 61, width: 1000)
    private var minutes = RollingWindow(slots: 61, width: 60_000)
    private var hours = RollingWindow(slots: 25, width: 3_600_000)

    init(now: Int64) { createdAt = now }

    mutating func add(_ amount: Int64, times calls: Int64 = 1, now: Int64) {
        value &+= amount
        times &+= calls
        seconds.add(amount, times: calls, now: now)
        minutes.add(amount, times: calls, now: now)
        hours.add(amount, times: calls, now: now)
    }

    /// The last minute, hour and day: sum, per-second rate over the part of the window the item
    /// has existed for, and average per call.
    func snapshot(now: Int64) -> BrokerStatsData {
        BrokerStatsData(
            statsMinute: item(seconds, last: 60, now: now), statsHour: item(minutes, last: 60, now: now),
            statsDay: item(hours, last: 24, now: now))
    }

    /// Per-second rate over the last minute (`tpsGroupGetNums`).
    func minuteTps(now: Int64) -> Double { item(seconds, last: 60, now: now).tps }

    private func item(_ window: RollingWindow, last: Int, now: Int64) -> BrokerStatsItem {
        let (sum, calls) = window.total(last: last, now: now, includingCurrent: true)
        let span = max(1000, min(Int64(last) * window.width, now - createdAt))
        return BrokerStatsItem(
            sum: sum, tps: Double(sum) * 1000 / Double(span), avgpt: calls == 0 ? 0 : Double(sum) / Double(calls))
    }
}

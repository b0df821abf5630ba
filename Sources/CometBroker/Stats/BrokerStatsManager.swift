package import CometCore
package import CometProtocol
import Synchronization

/// Measured broker statistics (RocketMQ `BrokerStatsManager` and the runtime part of
/// `StoreStatsService`): puts and gets per topic and group with their sizes, the broker's put and
/// get rates, put latency, and daily totals. Sends and pulls record here as they complete;
/// GET_BROKER_RUNTIME_INFO, VIEW_BROKER_STATS_DATA and GET_CONSUME_STATS read from it.
package final class BrokerStatsManager: Sendable {
    /// Names of the statistics VIEW_BROKER_STATS_DATA serves (RocketMQ's).
    package enum Name {
        package static let topicPutNums = "TOPIC_PUT_NUMS"
        package static let topicPutSize = "TOPIC_PUT_SIZE"
        package static let groupGetNums = "GROUP_GET_NUMS"
        package static let groupGetSize = "GROUP_GET_SIZE"
        package static let sendBackPutNums = "SNDBCK_PUT_NUMS"
        package static let brokerPutNums = "BROKER_PUT_NUMS"
        package static let brokerGetNums = "BROKER_GET_NUMS"
    }

    private struct State {
        var items: [String: [String: StatsItem]] = [:]
        var runtime: RuntimeStats

        mutating func add(_ name: String, _ key: String, _ amount: Int64, times: Int64 = 1, now: Int64) {
            items[name, default: [:]][key, default: StatsItem(now: now)].add(amount, times: times, now: now)
        }
    }

    private let state: Mutex<State>
    private let clock: WallClock
    private let clusterName: String

    package init(clusterName: String, clock: WallClock) {
        self.clusterName = clusterName
        self.clock = clock
        state = Mutex(State(runtime: RuntimeStats(now: clock.nowMillis())))
    }

    /// A stored send: `messages` records of `bytes` in total, written in `latencyMillis`.
    package func recordPut(topic: String, messages: Int, bytes: Int, latencyMillis: Int64) {
        let now = clock.nowMillis()
        state.withLock { state in
            state.add(Name.topicPutNums, topic, Int64(messages), now: now)
            state.add(Name.topicPutSize, topic, Int64(bytes), now: now)
            state.add(Name.brokerPutNums, clusterName, Int64(messages), now: now)
            state.runtime.recordPut(
                messages: Int64(messages), bytes: Int64(bytes), latencyMillis: latencyMillis, now: now)
        }
    }

    /// A send the store refused.
    package func recordPutFailure() {
        let now = clock.nowMillis()
        state.withLock { $0.runtime.recordPutFailure(now: now) }
    }

    /// A pull of `group` on `topic` that found `messages` records of `bytes` (0 when nothing was there).
    package func recordGet(group: String, topic: String, messages: Int, bytes: Int) {
        let now = clock.nowMillis()
        state.withLock { state in
            if messages > 0 {
                state.add(Name.groupGetNums, topic + "@" + group, Int64(messages), now: now)
                state.add(Name.groupGetSize, topic + "@" + group, Int64(bytes), now: now)
                state.add(Name.brokerGetNums, clusterName, Int64(messages), now: now)
            }
            state.runtime.recordGet(messages: Int64(messages), now: now)
        }
    }

    /// A message of `group` sent back for retry.
    package func recordSendBack(group: String, topic: String) {
        let now = clock.nowMillis()
        state.withLock { $0.add(Name.sendBackPutNums, topic + "@" + group, 1, now: now) }
    }

    /// A statistic's last minute, hour and day, or `nil` if nothing was ever recorded under it.
    package func statsData(name: String, key: String) -> BrokerStatsData? {
        let now = clock.nowMillis()
        return state.withLock { $0.items[name]?[key]?.snapshot(now: now) }
    }

    /// Messages per second `group` pulled from `topic` over the last minute.
    package func groupGetTps(group: String, topic: String) -> Double {
        let now = clock.nowMillis()
        return state.withLock { $0.items[Name.groupGetNums]?[topic + "@" + group]?.minuteTps(now: now) ?? 0 }
    }

    /// The store-level runtime figures (GET_BROKER_RUNTIME_INFO).
    package func runtimeInfo() -> [String: String] {
        let now = clock.nowMillis()
        return state.withLock { $0.runtime.info(now: now) }
    }
}

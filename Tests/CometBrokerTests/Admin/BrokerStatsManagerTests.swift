import CometBroker
import CometCore
import CometProtocol
import Synchronization
import Testing

@Suite("Broker statistics")
struct BrokerStatsManagerTests {
    final class ManualClock: Sendable {
        let now = Atomic<Int64>(1_700_000_000_000)
        var wallClock: WallClock { WallClock { self.now.load(ordering: .relaxed) } }
        func advance(_ millis: Int64) { now.add(millis, ordering: .relaxed) }
    }

    @Test("Puts count per topic with sizes, over the minute, hour and day")
    func topicPuts() throws {
        let clock = ManualClock()
        let stats = BrokerStatsManager(clusterName: "C", clock: clock.wallClock)
        for _ in 0..<10 {
            stats.recordPut(topic: "T", messages: 1, bytes: 100, latencyMillis: 3)
            clock.advance(1000)
        }
        let nums = try #require(stats.statsData(name: "TOPIC_PUT_NUMS", key: "T"))
        #expect(nums.statsMinute.sum == 10)
        #expect(nums.statsMinute.tps == 1.0)
        #expect(nums.statsHour.sum == 10 && nums.statsDay.sum == 10)
        let size = try #require(stats.statsData(name: "TOPIC_PUT_SIZE", key: "T"))
        #expect(size.statsMinute.sum == 1000 && size.statsMinute.avgpt == 100)
        #expect(stats.statsData(name: "BROKER_PUT_NUMS", key: "C")?.statsMinute.sum == 10)
        #expect(stats.statsData(name: "TOPIC_PUT_NUMS", key: "other") == nil)

        clock.advance(61_000)
        let later = try #require(stats.statsData(name: "TOPIC_PUT_NUMS", key: "T"))
        #expect(later.statsMinute.sum == 0)
        #expect(later.statsHour.sum == 10)
    }

    @Test("Gets count per topic@group and feed the group's consume TPS")
    func groupGets() {
        let clock = ManualClock()
        let stats = BrokerStatsManager(clusterName: "C", clock: clock.wallClock)
        clock.advance(60_000)
        stats.recordGet(group: "G", topic: "T", messages: 30, bytes: 300)
        stats.recordGet(group: "G", topic: "T", messages: 0, bytes: 0)
        #expect(stats.statsData(name: "GROUP_GET_NUMS", key: "T@G")?.statsMinute.sum == 30)
        #expect(stats.groupGetTps(group: "G", topic: "T") > 0)
        #expect(stats.groupGetTps(group: "G", topic: "other") == 0)
    }

    @Test("Runtime info: totals, latency distribution and rates once enough time passed")
    func runtimeInfo() throws {
        let clock = ManualClock()
        let stats = BrokerStatsManager(clusterName: "C", clock: clock.wallClock)
        #expect(stats.runtimeInfo()["putTps"] == "  ")
        for i in 0..<20 {
            stats.recordPut(topic: "T", messages: 2, bytes: 50, latencyMillis: i < 19 ? 5 : 70)
            clock.advance(500)
        }
        stats.recordGet(group: "G", topic: "T", messages: 4, bytes: 100)
        stats.recordPutFailure()
        let info = stats.runtimeInfo()
        #expect(info["msgPutTotalTodayNow"] == "40")
        #expect(info["msgGetTotalTodayNow"] == "4")
        #expect(info["putMessageSizeTotal"] == "1000")
        #expect(info["putMessageFailedTimes"] == "1")
        #expect(info["putMessageEntireTimeMax"] == "70")
        #expect(info["putMessageDistributeTime"]?.hasPrefix("[<=0ms]:0 [0~10ms]:19 [10~50ms]:0 [50~100ms]:1 ") == true)
        let tps = try #require(info["putTps"]).split(separator: " ", omittingEmptySubsequences: false)
        #expect(tps.count == 3)
        #expect(Double(tps[0]) == 4.0)
        #expect(tps[1].isEmpty && tps[2].isEmpty)
    }

    @Test("Daily totals roll over at midnight")
    func midnight() {
        let clock = ManualClock()
        clock.now.store(86_400_000 * 20_000 + 1000, ordering: .relaxed)
        let stats = BrokerStatsManager(clusterName: "C", clock: clock.wallClock)
        stats.recordPut(topic: "T", messages: 3, bytes: 3, latencyMillis: 0)
        clock.advance(86_400_000)
        stats.recordPut(topic: "T", messages: 2, bytes: 2, latencyMillis: 0)
        let info = stats.runtimeInfo()
        #expect(info["msgPutTotalTodayMorning"] == "3")
        #expect(info["msgPutTotalYesterdayMorning"] == "0")
        #expect(info["msgPutTotalTodayNow"] == "5")
    }
}

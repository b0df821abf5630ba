package import CometClient
import CometCore
import CometProtocol

/// One row of `statsAll`: a topic's traffic in, and one consuming group's traffic out.
package struct TopicGroupStats: Codable, Sendable, Hashable {
    package var topic: String
    /// `nil` when nobody consumes the topic.
    package var group: String?
    /// Messages the group has not consumed yet (0 without a group).
    package var accumulation: Int64
    /// Messages per second stored in the topic over the last minute, over every master.
    package var inTps: Double
    /// Messages per second the group pulled from the topic over the last minute.
    package var outTps: Double
    /// Messages stored in the last 24 hours (the broker's day window, else hour, else minute).
    package var inMessages24h: Int64
    package var outMessages24h: Int64
}

/// A queue as `allocateMQ` prints it.
package struct AllocatedQueue: Codable, Sendable, Hashable {
    package var topic: String
    package var brokerName: String
    package var queueId: Int32
}

extension Admin {
    /// Put and get rates and 24-hour counts per topic and consuming group, from the brokers'
    /// statistics (`mqadmin statsAll`); retry and dead-letter topics are left out. With
    /// `activeOnly`, rows without traffic in the last 24 hours are too.
    package func statsAll(
        topic selected: String? = nil, activeOnly: Bool = false
    ) async throws(ClientError)
        -> [TopicGroupStats]
    {
        var rows: [TopicGroupStats] = []
        var topics: [String]
        if let selected {
            topics = [selected]
        } else {
            topics = try await self.topics()
        }
        for topic in topics where !topic.hasPrefix("%RETRY%") && !topic.hasPrefix("%DLQ%") {
            guard let route = try await channel.route(topic) else { continue }
            let masters = route.brokerDatas.compactMap(\.masterAddr).sorted()
            var inTps = 0.0
            var inToday: Int64 = 0
            for address in masters {
                if let stats = await stats(address, name: "TOPIC_PUT_NUMS", key: topic) {
                    inTps += stats.statsMinute.tps
                    inToday += Self.sum24h(stats)
                }
            }
            let groups = try await consumingGroups(of: topic)
            if groups.isEmpty {
                if !activeOnly || inToday > 0 {
                    rows.append(
                        TopicGroupStats(
                            topic: topic, group: nil, accumulation: 0, inTps: inTps, outTps: 0, inMessages24h: inToday,
                            outMessages24h: 0))
                }
                continue
            }
            for group in groups {
                var outTps = 0.0
                var outToday: Int64 = 0
                var accumulation: Int64 = 0
                for address in masters {
                    if let stats = await stats(address, name: "GROUP_GET_NUMS", key: "\(topic)@\(group)") {
                        outTps += stats.statsMinute.tps
                        outToday += Self.sum24h(stats)
                    }
                    let response = try? await channel.call(
                        .request(
                            .getConsumeStats, header: GetConsumeStatsRequestHeader(consumerGroup: group, topic: topic)),
                        broker: address)
                    if let response, response.responseCode == .success,
                        let consume = try? ConsumeStats(body: response.body)
                    {
                        accumulation += consume.totalDiff
                    }
                }
                if !activeOnly || inToday > 0 || outToday > 0 {
                    rows.append(
                        TopicGroupStats(
                            topic: topic, group: group, accumulation: max(0, accumulation), inTps: inTps,
                            outTps: outTps, inMessages24h: inToday, outMessages24h: outToday))
                }
            }
        }
        return rows
    }

    /// How RocketMQ's default strategy would split `topic`'s queues between the given client ids,
    /// in their order (`mqadmin allocateMQ`).
    package func allocation(topic: String, clientIds: [String]) async throws(ClientError) -> [String: [AllocatedQueue]]
    {
        guard let route = try await channel.route(topic) else {
            throw ClientError(.noRoute, "No route info of this topic: \(topic)")
        }
        var queues: [AllocatedQueue] = []
        for data in route.queueDatas where data.perm.contains(.read) {
            for id in 0..<data.readQueueNums {
                queues.append(AllocatedQueue(topic: topic, brokerName: data.brokerName, queueId: id))
            }
        }
        queues.sort { ($0.brokerName, $0.queueId) < ($1.brokerName, $1.queueId) }
        var result: [String: [AllocatedQueue]] = [:]
        for client in clientIds {
            result[client] = Self.averagely(queues, clientIds: clientIds, me: client)
        }
        return result
    }

    /// RocketMQ's `AllocateMessageQueueAveragely` (the split CometClient's consumers make): contiguous
    /// blocks in client order, the first `queues mod clients` clients one queue more.
    static func averagely<Queue>(_ queues: [Queue], clientIds: [String], me: String) -> [Queue] {
        guard !queues.isEmpty, let index = clientIds.firstIndex(of: me) else { return [] }
        let (count, clients) = (queues.count, clientIds.count)
        let mod = count % clients
        let size = count <= clients ? 1 : (mod > 0 && index < mod ? count / clients + 1 : count / clients)
        let start = mod > 0 && index < mod ? index * size : index * size + mod
        let range = min(size, count - start)
        guard range > 0 else { return [] }
        return (0..<range).map { queues[(start + $0) % count] }
    }

    /// A broker statistic, or `nil` when the broker has none for the key (it answers an error then).
    private func stats(_ address: String, name: String, key: String) async -> BrokerStatsData? {
        guard
            let response = try? await channel.call(
                .request(
                    .viewBrokerStatsData, header: ViewBrokerStatsDataRequestHeader(statsName: name, statsKey: key)),
                broker: address),
            response.responseCode == .success
        else { return nil }
        return try? BrokerStatsData(body: response.body)
    }

    /// `StatsAllSubCommand.compute24HourSum`: the day window, else the hour, else the minute.
    private static func sum24h(_ stats: BrokerStatsData) -> Int64 {
        [stats.statsDay.sum, stats.statsHour.sum, stats.statsMinute.sum].first { $0 != 0 } ?? 0
    }
}

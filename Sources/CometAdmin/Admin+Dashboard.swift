package import CometClient
import CometCore
package import CometProtocol
import NIOCore

/// A subscription group's settings as the dashboard lists and edits them.
package struct GroupSettings: Codable, Sendable, Hashable {
    package var group: String
    package var consumeEnable: Bool
    package var consumeBroadcastEnable: Bool
    package var consumeMessageOrderly: Bool
    package var retryMaxTimes: Int32
    package var retryQueueNums: Int32
    /// Brokers that hold the group.
    package var brokers: [String]

    package init(_ config: SubscriptionGroupConfig, brokers: [String]) {
        group = config.groupName
        consumeEnable = config.consumeEnable
        consumeBroadcastEnable = config.consumeBroadcastEnable
        consumeMessageOrderly = config.consumeMessageOrderly
        retryMaxTimes = config.retryMaxTimes
        retryQueueNums = config.retryQueueNums
        self.brokers = brokers
    }
}

/// Where a message went: stored where, and which consumer groups have committed past it.
package struct MessageTrace: Codable, Sendable, Hashable {
    package struct Delivery: Codable, Sendable, Hashable {
        package var group: String
        /// The group's committed offset on the message's queue (`nil`: never committed there).
        package var consumerOffset: Int64?
        /// Whether the group has consumed the message (committed past it).
        package var consumed: Bool
    }

    package var message: MessageView
    package var deliveries: [Delivery]
}

/// What a client answered when asked to consume one message directly.
package struct DirectConsumeResult: Codable, Sendable, Hashable {
    package var clientId: String
    /// The client's answer as it sent it (JSON: `consumeResult`, `spentTimeMills`, ...).
    package var result: String
}

extension Admin {
    /// Every subscription group on every master, merged by name.
    package func subscriptionGroups() async throws(ClientError) -> [GroupSettings] {
        var configs: [String: (SubscriptionGroupConfig, [String])] = [:]
        for (name, address) in try await masters() {
            let response = try await callChecked(.request(.getAllSubscriptionGroupConfig), broker: address)
            for (group, config) in try body(SubscriptionGroupWrapper.self, of: response, from: address)
                .subscriptionGroupTable
            {
                configs[group, default: (config, [])].1.append(name)
            }
        }
        return configs.keys.sorted().map { GroupSettings(configs[$0]!.0, brokers: configs[$0]!.1) }
    }

    /// Creates or replaces subscription group `name` on every master: settings left `nil` take
    /// RocketMQ's defaults. Returns the brokers changed.
    package func saveSubscriptionGroup(
        _ name: String, consumeEnable: Bool? = nil, consumeBroadcastEnable: Bool? = nil,
        consumeMessageOrderly: Bool? = nil, retryMaxTimes: Int32? = nil, retryQueueNums: Int32? = nil
    ) async throws(ClientError) -> [String] {
        var config = SubscriptionGroupConfig(groupName: name)
        if let consumeEnable { config.consumeEnable = consumeEnable }
        if let consumeBroadcastEnable { config.consumeBroadcastEnable = consumeBroadcastEnable }
        if let consumeMessageOrderly { config.consumeMessageOrderly = consumeMessageOrderly }
        if let retryMaxTimes { config.retryMaxTimes = retryMaxTimes }
        if let retryQueueNums { config.retryQueueNums = retryQueueNums }
        return try await updateSubscriptionGroup(config)
    }

    /// The offset of the first message of `queue` stored at or after `timestamp` (ms).
    package func searchOffset(_ queue: CometClient.MessageQueue, timestamp: Int64) async throws(ClientError) -> Int64 {
        let address = try await masterAddress(of: queue)
        let response = try await callChecked(
            .request(
                .searchOffsetByTimestamp,
                header: SearchOffsetRequestHeader(topic: queue.topic, queueId: queue.queueId, timestamp: timestamp)),
            broker: address)
        do {
            return try response.decodeHeader(OffsetResponseHeader.self).value
        } catch {
            throw ClientError(.brokerError, "broker \(address) sent an invalid offset: \(error.message)")
        }
    }

    /// Messages of `topic` stored between `begin` and `end` (ms), up to `maxCount`, oldest first,
    /// read queue by queue from the offset the broker finds for `begin`.
    package func messages(
        topic: String, begin: Int64, end: Int64, maxCount: Int = 64
    ) async throws(ClientError) -> [MessageView] {
        var result: [MessageView] = []
        for status in try await topicStatus(topic) where status.maxOffset > status.minOffset {
            let queue = CometClient.MessageQueue(topic: topic, brokerName: status.brokerName, queueId: status.queueId)
            var offset = max(status.minOffset, try await searchOffset(queue, timestamp: begin))
            var found = 0
            while offset < status.maxOffset && found < maxCount {
                let batch = try await messages(in: queue, from: offset, count: min(32, maxCount - found))
                guard let last = batch.last else { break }
                let inRange = batch.filter { $0.storeTimestamp >= begin && $0.storeTimestamp <= end }
                result += inRange
                found += inRange.count
                if last.storeTimestamp > end { break }
                offset = last.queueOffset + 1
            }
        }
        result.sort { ($0.storeTimestamp, $0.commitLogOffset) < ($1.storeTimestamp, $1.commitLogOffset) }
        return Array(result.prefix(maxCount))
    }

    /// The message `id` names and, for every group that consumes its topic, whether the group has
    /// committed past it.
    package func trace(offsetMessageId id: String) async throws(ClientError) -> MessageTrace {
        var message = try await message(offsetMessageId: id)
        let route = try await channel.route(message.topic)
        if message.brokerName == nil {
            // The id names the store host: find which broker of the route has that address.
            message.brokerName =
                route?.brokerDatas.first { $0.brokerAddrs.values.contains(message.storeHost) }?.brokerName
                ?? route?.brokerDatas.first?.brokerName
        }
        var deliveries: [MessageTrace.Delivery] = []
        for group in try await consumingGroups(of: message.topic) {
            let progress = try await consumerProgress(group: group, topic: message.topic)
            let queue = progress.first { $0.queueId == message.queueId && $0.brokerName == message.brokerName }
            let offset = queue.map(\.consumerOffset)
            deliveries.append(
                MessageTrace.Delivery(
                    group: group, consumerOffset: offset, consumed: (offset ?? 0) > message.queueOffset))
        }
        return MessageTrace(message: message, deliveries: deliveries)
    }

    /// Asks live members of `group` (one, with `clientId`) to consume message `id` again, through
    /// the broker that stores it (CONSUME_MESSAGE_DIRECTLY; `mqadmin consumeMessage`... `resendMsg`).
    package func consumeDirectly(
        group: String, clientId: String?, offsetMessageId id: String
    ) async throws(ClientError) -> [DirectConsumeResult] {
        guard let parsed = OffsetMessageID(id) else {
            throw ClientError(.invalidArgument, "\(id) is not an offset message id (32 or 56 hex digits)")
        }
        let members = try await consumerMembers(group).connections.map(\.clientId)
        let targets = clientId.map { [$0] } ?? members
        guard !targets.isEmpty else {
            throw ClientError(.invalidArgument, "consumer group \(group) has no live member")
        }
        var results: [DirectConsumeResult] = []
        for client in targets {
            let response = try await callChecked(
                .request(
                    .consumeMessageDirectly,
                    header: ConsumeMessageDirectlyResultRequestHeader(consumerGroup: group, clientId: client, msgId: id)
                ),
                broker: parsed.storeHost.description)
            results.append(
                DirectConsumeResult(clientId: client, result: response.body.map { String(buffer: $0) } ?? ""))
        }
        return results
    }

    private func masterAddress(of queue: CometClient.MessageQueue) async throws(ClientError) -> String {
        guard let route = try await channel.route(queue.topic),
            let address = route.brokerDatas.first(where: { $0.brokerName == queue.brokerName })?.masterAddr
        else { throw ClientError(.noRoute, "no master for \(queue.brokerName) serving \(queue.topic)") }
        return address
    }
}

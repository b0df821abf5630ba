package import CometClient
import CometCore
import CometProtocol

/// Cluster administration for the CLI and the dashboard: topics, routes, queue offsets, consumer
/// group progress and cluster layout, as `Codable` values.
package final class Admin: Sendable {
    let channel: AdminChannel

    package init(configuration: ClientConfiguration) {
        channel = AdminChannel(configuration: configuration)
    }

    package func shutdown() async { await channel.shutdown() }

    /// Clusters, their brokers and each broker's addresses by id (0 = master).
    package func cluster() async throws(ClientError) -> [ClusterEntry] {
        let info = try await clusterInfo()
        return info.clusterAddrTable.sorted { $0.key < $1.key }.flatMap { cluster, names in
            names.sorted().compactMap { name in
                info.brokerAddrTable[name].map {
                    ClusterEntry(
                        cluster: cluster, brokerName: name,
                        addresses: Dictionary(uniqueKeysWithValues: $0.brokerAddrs.map { (String($0.key), $0.value) }))
                }
            }
        }
    }

    /// Every topic the name servers route.
    package func topics() async throws(ClientError) -> [String] {
        let response = try await channel.callNameServer(.request(.getAllTopicListFromNameServer))
        try check(response)
        return try decode { () throws(CometError) in try TopicList(body: response.body).topicList.sorted() }
    }

    /// Creates or updates `topic` on every master broker (of `cluster`, or of all clusters).
    package func createTopic(
        _ topic: String, readQueues: Int32 = 8, writeQueues: Int32 = 8, cluster: String? = nil, order: Bool = false
    ) async throws(ClientError) -> [String] {
        let masters = try await masterAddresses(cluster: cluster)
        guard !masters.isEmpty else { throw ClientError(.noRoute, "no master broker found") }
        for address in masters {
            let response = try await channel.call(
                .request(
                    .updateAndCreateTopic,
                    header: CreateTopicRequestHeader(
                        topic: topic, readQueueNums: readQueues, writeQueueNums: writeQueues, order: order)),
                broker: address)
            try check(response)
        }
        return masters
    }

    /// Deletes `topic` from every master broker and every name server.
    package func deleteTopic(_ topic: String) async throws(ClientError) {
        for address in try await masterAddresses(cluster: nil) {
            try check(
                try await channel.call(
                    .request(.deleteTopicInBroker, header: DeleteTopicRequestHeader(topic: topic)), broker: address))
        }
        for response in try await channel.callEveryNameServer(
            .request(.deleteTopicInNamesrv, header: DeleteTopicFromNamesrvRequestHeader(topic: topic)))
        {
            try check(response)
        }
    }

    /// Which brokers serve `topic` and with how many queues.
    package func route(_ topic: String) async throws(ClientError) -> TopicRoute {
        guard let route = try await channel.route(topic) else {
            throw ClientError(.noRoute, "No route info of this topic: \(topic)")
        }
        return TopicRoute(
            queues: route.queueDatas.map {
                TopicRoute.Queues(
                    brokerName: $0.brokerName, readQueues: $0.readQueueNums, writeQueues: $0.writeQueueNums,
                    perm: $0.perm.rawValue)
            },
            brokers: route.brokerDatas.map {
                TopicRoute.Broker(
                    cluster: $0.cluster, brokerName: $0.brokerName,
                    addresses: Dictionary(uniqueKeysWithValues: $0.brokerAddrs.map { (String($0.key), $0.value) }))
            })
    }

    /// Min and max offsets of every queue of `topic`.
    package func topicStatus(_ topic: String) async throws(ClientError) -> [QueueStatus] {
        var result: [QueueStatus] = []
        for (queue, address) in try await readQueues(topic) {
            let header = TopicQueueRequestHeader(topic: topic, queueId: queue.queueId)
            let min = try await offset(.request(.getMinOffset, header: header), address)
            let max = try await offset(.request(.getMaxOffset, header: header), address)
            result.append(
                QueueStatus(brokerName: queue.brokerName, queueId: queue.queueId, minOffset: min, maxOffset: max))
        }
        return result
    }

    /// How far `group` is behind on every queue of `topic` (lag = max offset − committed offset).
    package func groupProgress(_ group: String, topic: String) async throws(ClientError) -> [QueueProgress] {
        var result: [QueueProgress] = []
        for (queue, address) in try await readQueues(topic) {
            let max = try await offset(
                .request(.getMaxOffset, header: TopicQueueRequestHeader(topic: topic, queueId: queue.queueId)), address)
            let response = try await channel.call(
                .request(
                    .queryConsumerOffset,
                    header: QueryConsumerOffsetRequestHeader(consumerGroup: group, topic: topic, queueId: queue.queueId)
                ),
                broker: address)
            let committed =
                response.responseCode == ResponseCode.success
                ? (try? response.decodeHeader(OffsetResponseHeader.self).value) : nil
            result.append(
                QueueProgress(
                    brokerName: queue.brokerName, queueId: queue.queueId, maxOffset: max, consumerOffset: committed,
                    lag: max - (committed ?? 0)))
        }
        return result
    }

    /// Moves `group`'s offsets on every queue of `topic` to the first message stored at or after
    /// `timestamp` (ms; -1 = the end), on every master; live consumers are told to follow.
    /// Returns the number of queues reset.
    package func resetOffsets(group: String, topic: String, timestamp: Int64) async throws(ClientError) -> Int {
        var queues = 0
        guard let route = try await channel.route(topic) else {
            throw ClientError(.noRoute, "No route info of this topic: \(topic)")
        }
        for broker in route.brokerDatas {
            guard let address = broker.masterAddr else { continue }
            let response = try await channel.call(
                .request(
                    .invokeBrokerToResetOffset,
                    header: ResetOffsetRequestHeader(topic: topic, group: group, timestamp: timestamp, isForce: true)),
                broker: address)
            try check(response)
            queues += route.queueDatas.first { $0.brokerName == broker.brokerName }.map { Int($0.readQueueNums) } ?? 0
        }
        return queues
    }

    // MARK: Helpers

    /// Where `progressGroup` stopped reading `queue` (its committed offset), else the queue's start.
    func startOffset(_ queue: CometClient.MessageQueue, progressGroup: String?) async throws(ClientError) -> Int64 {
        guard let route = try await channel.route(queue.topic),
            let address = route.brokerDatas.first(where: { $0.brokerName == queue.brokerName })?.masterAddr
        else { return 0 }
        if let progressGroup {
            let response = try await channel.call(
                .request(
                    .queryConsumerOffset,
                    header: QueryConsumerOffsetRequestHeader(
                        consumerGroup: progressGroup, topic: queue.topic, queueId: queue.queueId)),
                broker: address)
            if response.responseCode == ResponseCode.success,
                let offset = try? response.decodeHeader(OffsetResponseHeader.self).value
            {
                return offset
            }
        }
        return try await offset(
            .request(.getMinOffset, header: TopicQueueRequestHeader(topic: queue.topic, queueId: queue.queueId)),
            address)
    }

    /// Records `offset` as `group`'s committed offset on `queue`.
    func commit(group: String, queue: CometClient.MessageQueue, offset: Int64) async throws(ClientError) {
        guard let route = try await channel.route(queue.topic),
            let address = route.brokerDatas.first(where: { $0.brokerName == queue.brokerName })?.masterAddr
        else { throw ClientError(.noRoute, "no master for \(queue.brokerName)") }
        try check(
            try await channel.call(
                .request(
                    .updateConsumerOffset,
                    header: UpdateConsumerOffsetRequestHeader(
                        consumerGroup: group, topic: queue.topic, queueId: queue.queueId, commitOffset: offset)),
                broker: address))
    }

    func clusterInfo() async throws(ClientError) -> ClusterInfo {
        let response = try await channel.callNameServer(.request(.getBrokerClusterInfo))
        try check(response)
        return try decode { () throws(CometError) in try ClusterInfo(body: response.body) }
    }

    func masterAddresses(cluster: String?) async throws(ClientError) -> [String] {
        let info = try await clusterInfo()
        let names = cluster.map { info.clusterAddrTable[$0] ?? [] } ?? Array(info.brokerAddrTable.keys)
        return names.sorted().compactMap { info.brokerAddrTable[$0]?.masterAddr }
    }

    private func readQueues(_ topic: String) async throws(ClientError) -> [(CometClient.MessageQueue, String)] {
        guard let route = try await channel.route(topic) else {
            throw ClientError(.noRoute, "No route info of this topic: \(topic)")
        }
        var result: [(CometClient.MessageQueue, String)] = []
        for data in route.queueDatas.sorted(by: { $0.brokerName < $1.brokerName }) {
            guard let broker = route.brokerDatas.first(where: { $0.brokerName == data.brokerName }),
                let address = broker.masterAddr ?? broker.brokerAddrs.values.first
            else { continue }
            for id in 0..<data.readQueueNums {
                result.append(
                    (CometClient.MessageQueue(topic: topic, brokerName: data.brokerName, queueId: id), address))
            }
        }
        return result
    }

    private func offset(_ request: RemotingCommand, _ address: String) async throws(ClientError) -> Int64 {
        let response = try await channel.call(request, broker: address)
        try check(response)
        return try decode { () throws(CometError) in try response.decodeHeader(OffsetResponseHeader.self).value }
    }

    func check(_ response: RemotingCommand) throws(ClientError) {
        guard response.responseCode == .success else {
            throw ClientError(.brokerError, response.remark ?? "\(response.responseCode)", responseCode: response.code)
        }
    }

    private func decode<T>(_ body: () throws(CometError) -> T) throws(ClientError) -> T {
        do {
            return try body()
        } catch {
            throw ClientError(.brokerError, "invalid answer: \(error.message)")
        }
    }
}

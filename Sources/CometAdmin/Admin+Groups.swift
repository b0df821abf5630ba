package import CometClient
import CometCore
package import CometProtocol
import NIOCore

/// A consumer group's position on one queue, from the broker's GET_CONSUME_STATS.
package struct GroupQueueProgress: Codable, Sendable, Hashable {
    package var group: String
    package var topic: String
    package var brokerName: String
    package var queueId: Int32
    package var brokerOffset: Int64
    package var consumerOffset: Int64
    /// Messages not consumed yet (`brokerOffset - consumerOffset`).
    package var diff: Int64
    /// Store time of the last consumed message (ms; 0 if none).
    package var lastTimestamp: Int64
}

/// One client connection of a group, as `consumerConnection` / `producerConnection` list them.
package struct GroupConnection: Codable, Sendable, Hashable {
    package var clientId: String
    package var clientAddr: String
    package var language: String
    package var version: Int32
}

/// A consumer group's live members and subscriptions (`mqadmin consumerConnection`).
package struct GroupMembers: Codable, Sendable, Hashable {
    package var connections: [GroupConnection]
    /// Topic → subscription expression.
    package var subscriptions: [String: String]
    package var consumeType: String
    package var messageModel: String
    package var consumeFromWhere: String
}

extension Admin {
    /// Creates or replaces a subscription group on `broker`, or on every master of `cluster` (all
    /// clusters when both are nil); returns the brokers changed (`mqadmin updateSubGroup`).
    package func updateSubscriptionGroup(
        _ config: SubscriptionGroupConfig, broker: String? = nil, cluster: String? = nil
    ) async throws(ClientError) -> [String] {
        let targets = try await targets(broker: broker, cluster: cluster)
        for address in targets {
            var request = RemotingCommand.request(.updateAndCreateSubscriptionGroup)
            request.body = config.encoded()
            _ = try await callChecked(request, broker: address)
        }
        return targets
    }

    /// Deletes a subscription group (and, with `removeOffsets`, its committed offsets); returns the
    /// brokers changed (`mqadmin deleteSubGroup`).
    package func deleteSubscriptionGroup(
        _ group: String, removeOffsets: Bool, broker: String? = nil, cluster: String? = nil
    ) async throws(ClientError) -> [String] {
        let targets = try await targets(broker: broker, cluster: cluster)
        for address in targets {
            _ = try await callChecked(
                .request(
                    .deleteSubscriptionGroup,
                    header: DeleteSubscriptionGroupRequestHeader(groupName: group, removeOffset: removeOffsets)),
                broker: address)
        }
        return targets
    }

    /// A group's subscription-group settings on one broker (the first master that has it).
    package func subscriptionGroup(_ group: String) async throws(ClientError) -> SubscriptionGroupConfig? {
        for (_, address) in try await masters() {
            let response = try await callChecked(.request(.getAllSubscriptionGroupConfig), broker: address)
            if let config = try body(SubscriptionGroupWrapper.self, of: response, from: address)
                .subscriptionGroupTable[group]
            {
                return config
            }
        }
        return nil
    }

    /// Per-queue progress of `group` (on `topic`, or on every topic it has offsets for), or — with
    /// no group — of every group that consumes `topic` (`mqadmin consumerProgress`).
    package func consumerProgress(group: String?, topic: String?) async throws(ClientError) -> [GroupQueueProgress] {
        var groups: [String]
        if let group {
            groups = [group]
        } else if let topic {
            groups = try await consumingGroups(of: topic)
        } else {
            throw ClientError(.invalidArgument, "name a consumer group, a topic, or both")
        }
        var result: [GroupQueueProgress] = []
        for group in groups {
            for (_, address) in try await masters() {
                let response = try await callChecked(
                    .request(
                        .getConsumeStats, header: GetConsumeStatsRequestHeader(consumerGroup: group, topic: topic)),
                    broker: address)
                let stats = try body(ConsumeStats.self, of: response, from: address)
                for (queue, offsets) in stats.offsetTable.entries {
                    result.append(
                        GroupQueueProgress(
                            group: group, topic: queue.topic, brokerName: queue.brokerName, queueId: queue.queueId,
                            brokerOffset: offsets.brokerOffset, consumerOffset: offsets.consumerOffset,
                            diff: offsets.brokerOffset - offsets.consumerOffset, lastTimestamp: offsets.lastTimestamp))
                }
            }
        }
        return result.sorted {
            ($0.group, $0.topic, $0.brokerName, $0.queueId) < ($1.group, $1.topic, $1.brokerName, $1.queueId)
        }
    }

    /// Groups online for `topic` or holding offsets on it, over every master (QUERY_TOPIC_CONSUME_BY_WHO).
    package func consumingGroups(of topic: String) async throws(ClientError) -> [String] {
        var groups: Set<String> = []
        for (_, address) in try await masters() {
            let response = try await callChecked(
                .request(.queryTopicConsumeByWho, header: TopicRequestHeader(topic: topic)), broker: address)
            groups.formUnion(try body(GroupList.self, of: response, from: address).groupList)
        }
        return groups.sorted()
    }

    /// A consumer group's live members, from the first master that has them (`mqadmin consumerConnection`).
    package func consumerMembers(_ group: String) async throws(ClientError) -> GroupMembers {
        var lastError: ClientError?
        for (_, address) in try await masters() {
            do {
                let response = try await callChecked(
                    .request(.getConsumerConnectionList, header: ConsumerGroupHeader(consumerGroup: group)),
                    broker: address)
                let connection = try body(ConsumerConnection.self, of: response, from: address)
                return GroupMembers(
                    connections: connection.connectionSet.map(Self.groupConnection),
                    subscriptions: connection.subscriptionTable.mapValues(\.subString),
                    consumeType: connection.consumeType.rawValue, messageModel: connection.messageModel.rawValue,
                    consumeFromWhere: connection.consumeFromWhere.rawValue)
            } catch {
                lastError = error
            }
        }
        throw lastError ?? ClientError(.noRoute, "no master broker found")
    }

    /// A producer group's connections on every master (`mqadmin producerConnection`); masters where
    /// the group has none are skipped, and none anywhere is an error.
    package func producerConnections(_ group: String) async throws(ClientError) -> [GroupConnection] {
        var result: Set<GroupConnection> = []
        var lastError: ClientError?
        for (_, address) in try await masters() {
            do {
                let response = try await callChecked(
                    .request(.getProducerConnectionList, header: ProducerGroupHeader(producerGroup: group)),
                    broker: address)
                result.formUnion(
                    try body(ProducerConnection.self, of: response, from: address).connectionSet.map(
                        Self.groupConnection))
            } catch {
                lastError = error
            }
        }
        if result.isEmpty, let lastError { throw lastError }
        return result.sorted { ($0.clientId, $0.clientAddr) < ($1.clientId, $1.clientAddr) }
    }

    /// Each live member's running info as the client reports it (GET_CONSUMER_RUNNING_INFO relayed by
    /// the broker; `mqadmin consumerStatus`), by client id, as the JSON the client sent.
    package func consumerRunningInfo(
        _ group: String, clientId: String? = nil
    ) async throws(ClientError)
        -> [String: String]
    {
        let members = try await consumerMembers(group)
        let masters = try await masters()
        guard let address = masters.first?.address else { throw ClientError(.noRoute, "no master broker found") }
        var result: [String: String] = [:]
        for member in members.connections where clientId == nil || member.clientId == clientId {
            let response = try await callChecked(
                .request(
                    .getConsumerRunningInfo,
                    header: GetConsumerRunningInfoRequestHeader(consumerGroup: group, clientId: member.clientId)),
                broker: address)
            result[member.clientId] = response.body.map { String(buffer: $0) } ?? ""
        }
        return result
    }

    /// Copies `source`'s offsets on `topic` to `destination` on every master serving the topic
    /// (`mqadmin cloneGroupOffset`); returns the brokers.
    package func cloneGroupOffsets(
        source: String, destination: String, topic: String, offline: Bool
    )
        async throws(ClientError) -> [String]
    {
        guard let route = try await channel.route(topic) else {
            throw ClientError(.noRoute, "No route info of this topic: \(topic)")
        }
        let addresses = route.brokerDatas.compactMap(\.masterAddr).sorted()
        for address in addresses {
            _ = try await callChecked(
                .request(
                    .cloneGroupOffset,
                    header: CloneGroupOffsetRequestHeader(
                        srcGroup: source, destGroup: destination, topic: topic, offline: offline)),
                broker: address)
        }
        return addresses
    }

    /// `broker` alone, or every master of `cluster` (all clusters when nil); never empty.
    package func targets(broker: String?, cluster: String?) async throws(ClientError) -> [String] {
        if let broker { return [broker] }
        let addresses = try await masters(cluster: cluster).map(\.address)
        guard !addresses.isEmpty else {
            throw ClientError(.noRoute, cluster.map { "no master broker in cluster \($0)" } ?? "no master broker found")
        }
        return addresses
    }

    private static func groupConnection(_ connection: ClientConnection) -> GroupConnection {
        GroupConnection(
            clientId: connection.clientId, clientAddr: connection.clientAddr, language: connection.language,
            version: connection.version)
    }
}

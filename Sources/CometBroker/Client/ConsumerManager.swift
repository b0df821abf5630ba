import CometCore
package import CometProtocol
package import CometRemoting
import Synchronization

/// One client connection of a group, as the broker last heard from it.
package struct ClientChannel: Sendable {
    package var clientId: String
    package var connection: RemotingConnection
    package var lastUpdate: Int64
    /// The client's language, from its HEART_BEAT (CPP clients want list-shaped bodies).
    package var language: LanguageCode = .java
    /// The client's remoting version, from its HEART_BEAT.
    package var version: Int32 = 0

    /// The connection as admin tools list it.
    package var connectionInfo: CometProtocol.ClientConnection {
        ClientConnection(
            clientAddr: connection.remoteAddress, clientId: clientId, language: language.description, version: version)
    }
}

/// A consumer group's members and what they subscribe to.
package struct ConsumerGroupInfo: Sendable {
    package var groupName: String
    package var consumeType: ConsumeType
    package var messageModel: MessageModel
    package var consumeFromWhere: ConsumeFromWhere
    /// Subscriptions by topic, from the members' latest heartbeats.
    package var subscriptions: [String: SubscriptionData] = [:]
    /// Members by connection id.
    package var channels: [UInt64: ClientChannel] = [:]

    /// Client ids of the members, sorted (the order every client uses for allocation).
    package var clientIds: [String] { channels.values.map(\.clientId).sorted() }
}

/// Consumer groups and their live members, fed by heartbeats (RocketMQ `ConsumerManager`).
///
/// Methods report whether a group's membership changed, so the caller can tell the members to
/// rebalance (NOTIFY_CONSUMER_IDS_CHANGED).
package final class ConsumerManager: Sendable {
    private let groups = Mutex<[String: ConsumerGroupInfo]>([:])

    package init() {}

    /// Records a heartbeat of `data` from `connection`; returns whether the member set changed.
    package func register(
        _ data: ConsumerData, clientId: String, connection: RemotingConnection, now: Int64,
        language: LanguageCode = .java,
        version: Int32 = 0
    ) -> Bool {
        groups.withLock { groups in
            var info =
                groups[data.groupName]
                ?? ConsumerGroupInfo(
                    groupName: data.groupName, consumeType: data.consumeType, messageModel: data.messageModel,
                    consumeFromWhere: data.consumeFromWhere)
            info.consumeType = data.consumeType
            info.messageModel = data.messageModel
            info.consumeFromWhere = data.consumeFromWhere
            let isNew = info.channels[connection.id]?.clientId != clientId
            info.channels[connection.id] = ClientChannel(
                clientId: clientId, connection: connection, lastUpdate: now, language: language, version: version)
            for subscription in data.subscriptions {
                if let existing = info.subscriptions[subscription.topic], existing.subVersion > subscription.subVersion
                {
                    continue
                }
                info.subscriptions[subscription.topic] = subscription
            }
            groups[data.groupName] = info
            return isNew
        }
    }

    /// Removes `connection` from `group`; returns whether it was a member.
    package func unregister(group: String, connection: RemotingConnection) -> Bool {
        groups.withLock { groups in
            guard groups[group]?.channels.removeValue(forKey: connection.id) != nil else { return false }
            if groups[group]?.channels.isEmpty == true { groups.removeValue(forKey: group) }
            return true
        }
    }

    /// Removes a closed connection from every group; returns the groups that changed.
    package func connectionClosed(_ connection: RemotingConnection) -> [String] {
        removeChannels { $0.connection.id == connection.id }
    }

    /// Removes members silent for longer than `expiryMillis`; returns the groups that changed and
    /// the dropped connections.
    package func removeExpired(now: Int64, expiryMillis: Int64) -> (groups: [String], connections: [RemotingConnection])
    {
        var dropped: [RemotingConnection] = []
        let changed = removeChannels { channel in
            let expired = now - channel.lastUpdate > expiryMillis
            if expired { dropped.append(channel.connection) }
            return expired
        }
        return (changed, dropped)
    }

    private func removeChannels(where shouldRemove: (ClientChannel) -> Bool) -> [String] {
        groups.withLock { groups in
            var changed: [String] = []
            for (name, var info) in groups {
                let before = info.channels.count
                info.channels = info.channels.filter { !shouldRemove($0.value) }
                guard info.channels.count != before else { continue }
                changed.append(name)
                groups[name] = info.channels.isEmpty ? nil : info
            }
            return changed.sorted()
        }
    }

    /// The group, if it has live members.
    package func group(_ name: String) -> ConsumerGroupInfo? { groups.withLock { $0[name] } }

    /// Names of groups with live members.
    package var groupNames: [String] { groups.withLock { $0.keys.sorted() } }

    /// The connection of `clientId` in `group`, if it is a live member.
    package func connection(group: String, clientId: String) -> RemotingConnection? {
        groups.withLock { $0[group]?.channels.values.first { $0.clientId == clientId }?.connection }
    }
}

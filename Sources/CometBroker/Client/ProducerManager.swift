package import CometCore
package import CometProtocol
package import CometRemoting
import Synchronization

/// Producer groups and their live connections (needed to ask a producer about a transaction).
package final class ProducerManager: Sendable {
    private let groups = Mutex<[String: [UInt64: ClientChannel]]>([:])
    private let externalChecker = Mutex<ExternalTransactionChecker?>(nil)

    /// Asks a producer that is not on a remoting connection (a gRPC client) about a half message:
    /// the producer group, the half record with its real topic, its commit-log and queue offsets.
    /// Returns whether some producer was asked.
    package typealias ExternalTransactionChecker =
        @Sendable (_ group: String, _ message: StoredMessage, _ commitLogOffset: Int64, _ queueOffset: Int64) -> Bool

    /// Installs the checker used when no remoting producer of the group is connected.
    package func setExternalChecker(_ checker: @escaping ExternalTransactionChecker) {
        externalChecker.withLock { $0 = checker }
    }

    /// The installed external checker, if any.
    package var external: ExternalTransactionChecker? { externalChecker.withLock { $0 } }

    package init() {}

    /// Records a heartbeat from a producer of `group`.
    package func register(
        group: String, clientId: String, connection: RemotingConnection, now: Int64, language: LanguageCode = .java,
        version: Int32 = 0
    ) {
        groups.withLock {
            $0[group, default: [:]][connection.id] = ClientChannel(
                clientId: clientId, connection: connection, lastUpdate: now, language: language, version: version)
        }
    }

    /// The live connections of `group`, if it has any.
    package func channels(group: String) -> [ClientChannel] {
        groups.withLock { Array(($0[group] ?? [:]).values) }
    }

    /// A live connection of the client `clientId` in any group (request-reply finds the requester
    /// by its id, RocketMQ `ProducerManager.findChannel`).
    package func connection(clientId: String) -> RemotingConnection? {
        groups.withLock { groups in
            for channels in groups.values {
                if let channel = channels.values.first(where: { $0.clientId == clientId && $0.connection.isActive }) {
                    return channel.connection
                }
            }
            return nil
        }
    }

    /// Removes `connection` from `group`.
    package func unregister(group: String, connection: RemotingConnection) {
        groups.withLock { groups in
            groups[group]?.removeValue(forKey: connection.id)
            if groups[group]?.isEmpty == true { groups.removeValue(forKey: group) }
        }
    }

    /// Removes a closed connection everywhere.
    package func connectionClosed(_ connection: RemotingConnection) {
        removeChannels { $0.connection.id == connection.id }
    }

    /// Drops producers silent for longer than `expiryMillis`.
    package func removeExpired(now: Int64, expiryMillis: Int64) {
        removeChannels { now - $0.lastUpdate > expiryMillis }
    }

    /// A live connection of `group`, if any (for transaction check-back).
    package func anyConnection(group: String) -> RemotingConnection? {
        groups.withLock { $0[group]?.values.first(where: { $0.connection.isActive })?.connection }
    }

    /// Names of groups with live producers.
    package var groupNames: [String] { groups.withLock { $0.keys.sorted() } }

    private func removeChannels(where shouldRemove: (ClientChannel) -> Bool) {
        groups.withLock { groups in
            for (name, channels) in groups {
                let kept = channels.filter { !shouldRemove($0.value) }
                groups[name] = kept.isEmpty ? nil : kept
            }
        }
    }
}

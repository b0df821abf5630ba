package import CometCore

/// A broker's part in its group (`brokerRole`).
package enum BrokerRole: String, Sendable, Hashable, CaseIterable {
    /// Answers sends after the local write; slaves copy in the background.
    case asyncMaster = "ASYNC_MASTER"
    /// Answers sends once a slave holds the message (group transfer), or with
    /// FLUSH_SLAVE_TIMEOUT / SLAVE_NOT_AVAILABLE.
    case syncMaster = "SYNC_MASTER"
    /// Copies its master's commit log, serves reads, refuses sends.
    case slave = "SLAVE"

    /// Whether this role accepts sends.
    package var isMaster: Bool { self != .slave }
}

/// Master/slave replication settings, with RocketMQ 4.9.8's keys and defaults
/// (`MessageStoreConfig`, `BrokerConfig`).
package struct ReplicationSettings: Sendable, Hashable {
    /// `brokerRole`; when unset, `brokerId` decides (0 = ASYNC_MASTER, > 0 = SLAVE).
    package var role: BrokerRole?
    /// `haListenPort`: where a master accepts slaves (default: the listen port + 1).
    package var haListenPort: Int?
    /// `haMasterAddress`: the master's HA `host:port`; when unset, a slave learns it from the
    /// name server's answer to REGISTER_BROKER.
    package var haMasterAddress: String?
    /// `brokerIP2`: the host advertised for the HA port (default: the advertised broker host).
    package var haAdvertisedHost: String?
    /// `haSendHeartbeatInterval` (5 s): idle time before a slave reports / a master sends an empty frame.
    package var heartbeatInterval: Duration = .seconds(5)
    /// `haHousekeepingInterval` (20 s): an HA connection silent this long is closed.
    package var housekeepingInterval: Duration = .seconds(20)
    /// `haTransferBatchSize` (32 KiB): most commit-log bytes in one frame.
    package var transferBatchSize = 32_768
    /// `haSlaveFallbehindMax` (256 MiB): a SYNC_MASTER with no slave this close answers SLAVE_NOT_AVAILABLE.
    package var slaveFallbehindMax: Int64 = 256 * 1024 * 1024
    /// `slaveTimeout` (3 s): how long a SYNC_MASTER send waits for a slave's acknowledgement.
    package var slaveTimeout: Duration = .seconds(3)
    /// `slaveReadEnable` (false): a master suggests a slave to consumers far behind.
    package var slaveReadEnable = false

    /// Creates the defaults.
    package init() {}

    /// The role in force for `brokerId`.
    package func effectiveRole(brokerId: Int64) -> BrokerRole {
        role ?? (brokerId == 0 ? .asyncMaster : .slave)
    }

    /// Rejects combinations RocketMQ rejects (a slave needs an id above 0) or that would be ambiguous.
    package func validate(brokerId: Int64, listenPort: Int) throws(CometError) {
        let role = effectiveRole(brokerId: brokerId)
        if role == .slave && brokerId <= 0 {
            throw CometError(.invalidConfiguration, "a slave's brokerId must be above 0 (brokerRole=SLAVE)")
        }
        if role != .slave && brokerId != 0 {
            throw CometError(
                .invalidConfiguration,
                "a master's brokerId must be 0 (brokerRole=\(role.rawValue), brokerId=\(brokerId)); "
                    + "set brokerRole=SLAVE for a slave")
        }
        if let port = haListenPort, !(0...65535).contains(port) {
            throw CometError(.invalidConfiguration, "haListenPort must be between 0 and 65535")
        }
        if haListenPort == nil && listenPort == 65535 {
            throw CometError(.invalidConfiguration, "haListenPort defaults to listenPort + 1: set it explicitly")
        }
        if let address = haMasterAddress, address.count >= 6, (try? HostAndPort(parsing: address)) == nil {
            throw CometError(.invalidConfiguration, "haMasterAddress must be host:port, not '\(address)'")
        }
        guard transferBatchSize >= 1024 else {
            throw CometError(.invalidConfiguration, "haTransferBatchSize must be at least 1024 bytes")
        }
    }

    /// The HA port for a broker listening on `listenPort` (0 stays 0: an ephemeral port).
    package func haPort(listenPort: Int) -> Int {
        haListenPort ?? (listenPort == 0 ? 0 : listenPort + 1)
    }
}

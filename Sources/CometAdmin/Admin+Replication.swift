package import CometClient
import CometCore
import CometProtocol
import NIOCore

/// One broker of a master/slave group as `comet admin replication` shows it.
package struct ReplicaSummary: Codable, Sendable, Hashable {
    package var cluster: String
    package var brokerName: String
    package var brokerId: Int64
    package var address: String
    /// `ASYNC_MASTER`, `SYNC_MASTER` or `SLAVE` (as the broker reports it; empty for brokers without the key).
    package var role: String
    /// The end of its commit log.
    package var commitLogMaxOffset: Int64
    /// Bytes behind the group's master (0 for the master; `nil` without a reachable master).
    package var lagBytes: Int64?
    /// Master: connected slaves and their acknowledged offsets; slave: its HA connection.
    package var haState: String
}

extension Admin {
    /// Every broker group with its master and slaves, each broker's replication lag in bytes and HA
    /// connection state (from GET_BROKER_RUNTIME_INFO). A broker that does not answer is listed with
    /// its error as state.
    package func replicationStatus() async throws(ClientError) -> [ReplicaSummary] {
        let info = try await clusterInfo()
        var result: [ReplicaSummary] = []
        for (cluster, names) in info.clusterAddrTable.sorted(by: { $0.key < $1.key }) {
            for name in names.sorted() {
                guard let data = info.brokerAddrTable[name] else { continue }
                var rows: [ReplicaSummary] = []
                var masterEnd: Int64?
                for (id, address) in data.brokerAddrs.sorted(by: { $0.key < $1.key }) {
                    var row = ReplicaSummary(
                        cluster: cluster, brokerName: name, brokerId: id, address: address, role: "",
                        commitLogMaxOffset: 0, lagBytes: nil, haState: "")
                    do {
                        let table = try await runtimeInfo(broker: address)
                        row.role = table["brokerRole"] ?? ""
                        row.commitLogMaxOffset = Int64(table["commitLogMaxOffset"] ?? "") ?? 0
                        if id == 0 {
                            masterEnd = row.commitLogMaxOffset
                            let slaves = table["haSlaves"] ?? ""
                            row.haState =
                                "\(table["haSlaveCount"] ?? "?") slave(s)" + (slaves.isEmpty ? "" : " " + slaves)
                        } else {
                            let connected = table["haConnected"] == "true"
                            row.haState =
                                (connected ? "connected to " : "not connected to ")
                                + (table["haMasterAddress"].flatMap { $0.isEmpty ? nil : $0 } ?? "an unknown master")
                        }
                    } catch {
                        row.haState = "unreachable: \(error.message)"
                    }
                    rows.append(row)
                }
                for index in rows.indices {
                    guard let masterEnd else { break }
                    rows[index].lagBytes = max(0, masterEnd - rows[index].commitLogMaxOffset)
                }
                result += rows
            }
        }
        return result
    }
}

extension Admin {
    /// Turns the slave at `broker` into its group's master (`role` ASYNC_MASTER or SYNC_MASTER): one
    /// UPDATE_BROKER_CONFIG with `brokerRole` and `brokerId=0`, which the slave applies at once (stops
    /// copying, accepts sends, registers as id 0) and writes to its config file for the next start.
    package func promote(broker address: String, role: String = "ASYNC_MASTER") async throws(ClientError) {
        var request = RemotingCommand.request(.updateBrokerConfig)
        request.body = ByteBuffer(string: "brokerRole=\(role)\nbrokerId=0\n")
        _ = try await callChecked(request, broker: address)
    }
}

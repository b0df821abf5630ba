import CometCore
import CometProtocol
import CometRemoting
import Logging
import NIOCore

/// Registers the broker and its topics with every name server (RocketMQ `BrokerOuterAPI`), at
/// start, every `registerInterval`, and at once when topics change; unregisters at shutdown.
struct BrokerRegistrar: Sendable {
    let controller: BrokerController
    let client: RemotingClient

    /// Registers whenever the controller asks, until the trigger stream ends.
    func run() async {
        for await _ in controller.registrationTriggers {
            await registerAll()
            if let address = controller.address { controller.ready.succeed(address) }
        }
    }

    /// Registers with all name servers concurrently; a failing one is logged and retried next time.
    func registerAll() async {
        guard let address = controller.address else { return }
        let configuration = controller.configuration
        let topics = controller.topics.snapshot
        var table = topics.topicConfigTable
        // A broker without read or write permission reports it on every topic (RocketMQ
        // `registerBrokerAll`), so clients stop sending to (or pulling from) it.
        if !configuration.brokerPermission.contains(.read) || !configuration.brokerPermission.contains(.write) {
            for name in table.keys { table[name]?.perm = configuration.brokerPermission }
        }
        let replication = controller.replication
        let haAddress = (try? await replication.advertisedHAAddress()) ?? address
        let body = RegisterBrokerBody(topicConfigTable: table, dataVersion: topics.dataVersion).encoded()
        let header = RegisterBrokerRequestHeader(
            brokerName: configuration.brokerName, brokerAddr: address, clusterName: configuration.clusterName,
            haServerAddr: haAddress, brokerId: replication.brokerId,
            bodyCrc32: body.withUnsafeReadableBytes { Int32(bitPattern: CRC32.checksum($0) & 0x7FFF_FFFF) })
        await withTaskGroup(of: Void.self) { group in
            for nameServer in configuration.nameServers {
                group.addTask {
                    do {
                        let response = try await client.invoke(
                            .request(.registerBroker, header: header, body: body), to: nameServer.description,
                            timeout: .seconds(6))
                        if response.responseCode == .success,
                            let answer = try? RegisterBrokerResponseHeader(fields: response.extFields)
                        {
                            replication.registered(
                                masterAddress: answer.masterAddr, haServerAddress: answer.haServerAddr)
                        }
                        if response.responseCode != .success {
                            controller.logger.warning(
                                "name server refused registration: \(response.remark ?? "")",
                                metadata: ["namesrv": "\(nameServer)", "code": "\(response.responseCode)"])
                        }
                    } catch {
                        controller.logger.warning(
                            "cannot register with name server: \(error)", metadata: ["namesrv": "\(nameServer)"])
                    }
                }
            }
        }
    }

    /// Tells every name server this broker is leaving.
    func unregisterAll() async {
        guard let address = controller.address else { return }
        let configuration = controller.configuration
        let header = UnregisterBrokerRequestHeader(
            brokerName: configuration.brokerName, brokerAddr: address, clusterName: configuration.clusterName,
            brokerId: controller.replication.brokerId)
        await withTaskGroup(of: Void.self) { group in
            for nameServer in configuration.nameServers {
                group.addTask {
                    _ = try? await client.invoke(
                        .request(.unregisterBroker, header: header), to: nameServer.description, timeout: .seconds(3))
                }
            }
        }
    }
}

package import CometBroker
import CometCore
package import CometNameServer
import CometStore
package import Logging

/// A name server and a broker registered with it, running in this process on ephemeral 127.0.0.1
/// ports with data in a temporary folder: the one fixture tests and benches start servers with.
///
/// ``with(logger:configure:_:)`` returns only once the broker's store is open and it has registered
/// with the name server (the broker's ``BrokerController/ready`` latch), so `body` can send at once;
/// nothing polls for addresses. Both servers stop and the folder is removed when `body` returns.
package struct InProcessCluster: Sendable {
    /// The name server.
    package let nameServer: NameServer
    /// The broker.
    package let broker: Broker
    /// `127.0.0.1:port` of the name server.
    package let nameServerAddress: String
    /// `127.0.0.1:port` of the broker.
    package let brokerAddress: String
    /// The broker's data folder.
    package let dataDirectory: String

    /// Runs `body` against a fresh cluster; `configure` adjusts the broker before it starts
    /// (small segments by default, so the temporary folder stays small).
    package static func with<T: Sendable>(
        logger: Logger = Logger(label: "comet.test"), configure: (inout BrokerConfiguration) -> Void = { _ in },
        _ body: @Sendable (InProcessCluster) async throws -> T
    ) async throws -> T {
        try await TemporaryDirectory.with(prefix: "comet-cluster") { folder in
            let nameServer = try NameServer(
                configuration: NameServerConfiguration(listen: HostAndPort(host: "127.0.0.1", port: 0)), logger: logger)
            var configuration = BrokerConfiguration(dataDirectory: folder.path)
            configuration.listen = HostAndPort(host: "127.0.0.1", port: 0)
            configuration.store.commitLogSegmentSize = 8 << 20
            configuration.store.indexHashSlots = 1024
            configuration.store.indexMaxEntries = 4096
            configure(&configuration)
            return try await withThrowingTaskGroup(of: T?.self) { group in
                group.addTask {
                    try await nameServer.run()
                    return nil
                }
                let nameServerAddress = HostAndPort(try await nameServer.localAddress)
                configuration.nameServers = [nameServerAddress]
                let broker = try Broker(configuration: configuration, logger: logger)
                group.addTask {
                    try await broker.run()
                    return nil
                }
                let brokerAddress = try await broker.controller.ready.wait()
                let cluster = InProcessCluster(
                    nameServer: nameServer, broker: broker, nameServerAddress: nameServerAddress.description,
                    brokerAddress: brokerAddress, dataDirectory: folder.path)
                let result = try await body(cluster)
                group.cancelAll()
                while try await group.next() != nil {}
                return result
            }
        }
    }
}

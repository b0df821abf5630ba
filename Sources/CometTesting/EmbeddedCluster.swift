package import CometBroker
public import CometClient
import CometCore
package import CometNameServer
import CometStore
public import Logging

/// A name server and a broker running inside the test process on ephemeral 127.0.0.1 ports, with
/// their data in a temporary folder. Get one from ``withEmbeddedBroker(options:logger:_:)``.
///
/// Point clients at ``nameServerAddress`` (or use ``clientConfiguration``); topics are created on
/// first send, as with `comet standalone`.
public struct EmbeddedCluster: Sendable {
    /// `127.0.0.1:port` of the name server: what clients connect to.
    public let nameServerAddress: String
    /// `127.0.0.1:port` of the broker (for tools that talk to a broker directly).
    public let brokerAddress: String
    /// The broker's data folder (removed when the cluster stops).
    public let dataDirectory: String
    /// The name server, for Comet's own tests.
    package let nameServer: NameServer
    /// The broker, for Comet's own tests.
    package let broker: Broker

    /// A client configuration for this cluster, with `instanceName` distinguishing several clients
    /// of one test (two consumers of a group in one process need different names).
    public func clientConfiguration(instanceName: String = "DEFAULT") -> ClientConfiguration {
        ClientConfiguration(nameServers: [nameServerAddress], instanceName: instanceName, clientIP: "127.0.0.1")
    }
}

/// Settings of an embedded cluster; the defaults suit unit tests (small files, topics created on first send).
public struct EmbeddedBrokerOptions: Sendable {
    /// The broker's name in routes (default `broker-a`).
    public var brokerName = "broker-a"
    /// The cluster's name (default `DefaultCluster`).
    public var clusterName = "DefaultCluster"
    /// Create topics on their first send (default true); when false, tests create topics explicitly.
    public var autoCreateTopics = true
    /// Queues of an automatically created topic (default 4, fewer than a server's 8 so tests stay fast).
    public var defaultTopicQueues = 4
    /// Size of each commit-log file (default 8 MiB; a production broker preallocates 1 GiB).
    public var commitLogFileSize = 8 << 20

    /// The defaults.
    public init() {}
}

/// Starts a name server and a broker in this process on ephemeral loopback ports with a temporary
/// data folder, runs `body` once the broker has registered (so `body` can send at once), then stops
/// both and deletes the folder — also when `body` throws.
///
/// ```swift
/// @Test func ordersArePublished() async throws {
///     try await withEmbeddedBroker { cluster in
///         try await withProducer(group: "test", configuration: cluster.clientConfiguration()) { producer in
///             _ = try await producer.send(Message(topic: "Orders", text: "created"))
///         }
///     }
/// }
/// ```
@discardableResult
public func withEmbeddedBroker<Result: Sendable>(
    options: EmbeddedBrokerOptions = EmbeddedBrokerOptions(),
    logger: Logger = Logger(label: "comet.embedded", factory: { _ in SwiftLogNoOpLogHandler() }),
    _ body: @Sendable (EmbeddedCluster) async throws -> Result
) async throws -> Result {
    try await EmbeddedCluster.with(
        logger: logger,
        configure: { configuration in
            configuration.brokerName = options.brokerName
            configuration.clusterName = options.clusterName
            configuration.autoCreateTopicEnable = options.autoCreateTopics
            configuration.defaultTopicQueueNums = Int32(clamping: options.defaultTopicQueues)
            configuration.store.commitLogSegmentSize = options.commitLogFileSize
        }, body)
}

extension EmbeddedCluster {
    /// Runs `body` against a fresh cluster; `configure` adjusts the broker before it starts (small
    /// files by default, so the temporary folder stays small). What ``withEmbeddedBroker(options:logger:_:)``
    /// and Comet's own tests and benches build on.
    package static func with<T: Sendable>(
        logger: Logger = Logger(label: "comet.test"), configure: (inout BrokerConfiguration) -> Void = { _ in },
        _ body: @Sendable (EmbeddedCluster) async throws -> T
    ) async throws -> T {
        let folder = try ScratchDirectory(prefix: "comet-embedded")
        defer { folder.remove() }
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
            // Whatever happens below, the servers stop before the folder goes.
            defer { group.cancelAll() }
            let nameServerAddress = HostAndPort(try await nameServer.localAddress)
            configuration.nameServers = [nameServerAddress]
            let broker = try Broker(configuration: configuration, logger: logger)
            group.addTask {
                try await broker.run()
                return nil
            }
            let brokerAddress = try await ready(broker)
            let cluster = EmbeddedCluster(
                nameServerAddress: nameServerAddress.description, brokerAddress: brokerAddress,
                dataDirectory: folder.path, nameServer: nameServer, broker: broker)
            let result = try await body(cluster)
            group.cancelAll()
            while try await group.next() != nil {}
            return result
        }
    }
}

/// The broker's address once its store is open and it has registered with the name server (its
/// ready latch); a clear error instead of a hang if that takes longer than 20 s.
private func ready(_ broker: Broker) async throws -> String {
    try await withThrowingTaskGroup(of: String?.self) { group in
        group.addTask { try await broker.controller.ready.wait() }
        group.addTask {
            try await Task.sleep(for: .seconds(20))
            return nil
        }
        defer { group.cancelAll() }
        guard let address = try await group.next() ?? nil else {
            throw CometError(.timeout, "the embedded broker did not register with its name server within 20 s")
        }
        return address
    }
}

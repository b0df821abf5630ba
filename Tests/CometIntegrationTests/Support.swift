import CometCore
import CometNameServer
import CometProtocol
import CometRemoting
import Logging
import NIOCore
import NIOPosix
import Synchronization

/// Fails with `.timeout` if `body` takes longer than `limit`.
func withTimeout<T: Sendable>(_ limit: Duration, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: limit)
            throw CometError(.timeout, "test step took longer than \(limit)")
        }
        defer { group.cancelAll() }
        return try await group.next()!
    }
}

/// Keeps log records in memory so tests can assert what a server logged.
final class RecordingLogHandler: LogHandler, @unchecked Sendable {
    let records = Mutex<[String]>([])
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        records.withLock { $0.append("\(event.level) \(event.message)") }
    }

    var lines: [String] { records.withLock { $0 } }

    var logger: Logger { Logger(label: "test") { _ in self } }
}

/// Runs `body` against a name server on an ephemeral loopback port, then stops it.
func withNameServer<T: Sendable>(
    brokerExpiry: Duration = .seconds(120), scanInterval: Duration = .seconds(10), logger: Logger = Logger(label: "test"),
    _ body: @escaping @Sendable (String, NameServer) async throws -> T
) async throws -> T {
    let nameServer = try NameServer(
        configuration: NameServerConfiguration(
            listen: HostAndPort(host: "127.0.0.1", port: 0), brokerExpiry: brokerExpiry, scanInterval: scanInterval),
        logger: logger)
    return try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask {
            try await nameServer.run()
            return nil
        }
        let address = try await withTimeout(.seconds(5)) { try await nameServer.localAddress }
        let result = try await body("127.0.0.1:\(address.port!)", nameServer)
        group.cancelAll()
        while let _ = try await group.next() {}
        return result
    }
}

/// Opens a plain TCP connection that only collects what the server sends back.
func rawConnection(to address: String) async throws -> any Channel {
    let target = try HostAndPort(parsing: address)
    return try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        .connect(host: target.host, port: target.port).get()
}

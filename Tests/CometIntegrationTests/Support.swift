import CometCore
import CometNameServer
import CometProtocol
import CometRemoting
import CometTestSupport
import Logging
import NIOCore
import NIOPosix

/// Runs `body` against a name server on an ephemeral loopback port, then stops it.
func withNameServer<T: Sendable>(
    brokerExpiry: Duration = .seconds(120), scanInterval: Duration = .seconds(10),
    logger: Logger = Logger(label: "test"),
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

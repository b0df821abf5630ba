import CometCore
import CometProtocol
import CometRemoting
import CometTestSupport
import InMemoryLogging
import Logging
import NIOCore
import Synchronization
import Testing

/// A processor that answers by request code in ways the client tests need.
final class ScriptedProcessor: RequestProcessor {
    let onewaySeen = Mutex<[Int32]>([])
    /// Yields each time a oneway request (code 4) has been processed.
    let onewayProcessed: AsyncStream<Void>
    private let onewaySink: AsyncStream<Void>.Continuation

    init() { (onewayProcessed, onewaySink) = AsyncStream.makeStream() }

    func process(_ request: RemotingCommand, connection: RemotingConnection) async throws -> RemotingCommand? {
        switch request.code {
        case 1:  // echo
            return .response(to: request, remark: request.extFields["text"])
        case 2:  // never answers in time
            try? await Task.sleep(for: .seconds(5))
            return .response(to: request)
        case 3:  // calls back into the client before answering
            let pushed = try await connection.invoke(
                .request(.notifyConsumerIdsChanged, header: ConsumerGroupHeader(consumerGroup: "G")),
                timeout: .seconds(5))
            return .response(to: request, remark: pushed.remark)
        case 4:  // oneway: remembered, no answer expected
            onewaySeen.withLock { $0.append(request.code) }
            onewaySink.yield()
            return .response(to: request, remark: "a response the server must not send")
        case 5:  // drops the connection
            connection.close()
            return nil
        default:
            return .response(to: request, code: .requestCodeNotSupported)
        }
    }
}

func withScriptedServer(
    _ body: @escaping @Sendable (String, ScriptedProcessor) async throws -> Void
) async throws {
    let processor = ScriptedProcessor()
    let server = RemotingServer(
        configuration: RemotingServerConfiguration(listen: HostAndPort(host: "127.0.0.1", port: 0)),
        processor: processor, logger: Logger(label: "test"))
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await server.run() }
        let port = try await server.localAddress.port!
        try await body("127.0.0.1:\(port)", processor)
        group.cancelAll()
    }
}

@Suite("Remoting client", .timeLimit(.minutes(3)))
struct RemotingClientTests {
    @Test("Concurrent calls on one connection each get their own response")
    func concurrentCalls() async throws {
        try await withScriptedServer { address, _ in
            let client = RemotingClient(logger: Logger(label: "test"))
            try await withThrowingTaskGroup(of: Void.self) { group in
                for i in 0..<200 {
                    group.addTask {
                        let response = try await client.invoke(
                            RemotingCommand(code: 1, extFields: ["text": "n\(i)"]), to: address, timeout: .seconds(5))
                        #expect(response.remark == "n\(i)")
                    }
                }
                try await group.waitForAll()
            }
            await client.shutdown()
        }
    }

    @Test("A call without an answer fails with a timeout and the connection stays usable")
    func timeout() async throws {
        try await withScriptedServer { address, _ in
            let client = RemotingClient(logger: Logger(label: "test"))
            let error = await #expect(throws: CometError.self) {
                _ = try await client.invoke(RemotingCommand(code: 2), to: address, timeout: .milliseconds(200))
            }
            #expect(error?.code == .timeout)
            let echo = try await client.invoke(
                RemotingCommand(code: 1, extFields: ["text": "ok"]), to: address, timeout: .seconds(5))
            #expect(echo.remark == "ok")
            await client.shutdown()
        }
    }

    @Test("A short timeout fires on time while a call with a longer one is still waiting")
    func earlierDeadlineRearmsTheTimer() async throws {
        try await withScriptedServer { address, _ in
            let client = RemotingClient(logger: Logger(label: "test"))
            let connection = try await client.connection(to: address)
            let long = Task { try await connection.invoke(RemotingCommand(code: 2), timeout: .seconds(30)) }
            let start = ContinuousClock.now
            let error = await #expect(throws: CometError.self) {
                _ = try await connection.invoke(RemotingCommand(code: 2), timeout: .milliseconds(200))
            }
            #expect(error?.code == .timeout)
            #expect(ContinuousClock.now - start < .seconds(4))
            // After the sweep the long call is still pending and answered (the server replies after 5 s).
            let answer = try await long.value
            #expect(answer.responseCode == .success)
            await client.shutdown()
        }
    }

    @Test("The server can call the client on the same connection")
    func serverPush() async throws {
        try await withScriptedServer { address, _ in
            let client = RemotingClient(logger: Logger(label: "test")) { request, _ in
                .response(to: request, remark: "client saw \(request.requestCode)")
            }
            async let serving: Void = client.run()
            let response = try await client.invoke(RemotingCommand(code: 3), to: address, timeout: .seconds(5))
            #expect(response.remark == "client saw NOTIFY_CONSUMER_IDS_CHANGED")
            await client.shutdown()
            await serving
        }
    }

    @Test("Oneway requests reach the server and get no response")
    func oneway() async throws {
        try await withScriptedServer { address, processor in
            let logs = InMemoryLogHandler()
            let client = RemotingClient(logger: logs.logger())
            try await client.invokeOneway(RemotingCommand(code: 4), to: address)
            try await withTimeout(.seconds(5)) {
                for await _ in processor.onewayProcessed { break }
            }
            #expect(processor.onewaySeen.withLock { $0 } == [4])
            // Any response to the oneway request would reach this connection before the answer to a
            // request sent after the oneway one was processed; the client logs a response nobody waits for.
            let echo = try await client.invoke(
                RemotingCommand(code: 1, extFields: ["text": "after"]), to: address, timeout: .seconds(5))
            #expect(echo.remark == "after")
            #expect(!logs.lines.contains { $0.contains("nobody waits for") })
            await client.shutdown()
        }
    }

    @Test("A dropped connection fails its pending call and the next call reconnects")
    func reconnect() async throws {
        try await withScriptedServer { address, _ in
            let client = RemotingClient(logger: Logger(label: "test"))
            let first = try await client.connection(to: address)
            let error = await #expect(throws: CometError.self) {
                _ = try await client.invoke(RemotingCommand(code: 5), to: address, timeout: .seconds(5))
            }
            #expect(error?.code == .connectionFailed)
            try await withTimeout(.seconds(5)) { while first.isActive { try await Task.sleep(for: .milliseconds(10)) } }
            let echo = try await client.invoke(
                RemotingCommand(code: 1, extFields: ["text": "again"]), to: address, timeout: .seconds(5))
            #expect(echo.remark == "again")
            #expect(try await client.connection(to: address) != first)
            await client.shutdown()
        }
    }

    @Test("Connecting to a closed port fails with connectionFailed")
    func refused() async throws {
        let client = RemotingClient(logger: Logger(label: "test"))
        let error = await #expect(throws: CometError.self) {
            _ = try await client.invoke(RemotingCommand(code: 1), to: "127.0.0.1:1", timeout: .seconds(2))
        }
        #expect(error?.code == .connectionFailed)
        await client.shutdown()
    }
}

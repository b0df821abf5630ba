import CometBroker
import CometCore
import CometProtocol
import CometRemoting
import CometStore
import CometTestSupport
import Foundation
import Logging
import NIOCore
import Testing

/// Millisecond wall time.
func nowMillis() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

/// Every message of a queue from `offset` on (one pull of up to 32).
func pullMessages(
    _ client: RemotingClient, _ broker: String, topic: String, queueId: Int32 = 0, offset: Int64 = 0
)
    async throws -> [StoredMessage]
{
    let response = try await client.invoke(
        pullRequest(topic: topic, queueId: queueId, offset: offset), to: broker, timeout: .seconds(5))
    guard response.code == ResponseCode.success.rawValue else { return [] }
    return try decodeMessages(response.body)
}

/// Polls a queue every 20 ms until it holds at least `count` messages; returns them and when
/// the count was reached (ms).
func awaitMessages(
    _ client: RemotingClient, _ broker: String, topic: String, queueId: Int32 = 0, count: Int = 1,
    within limit: Duration = .seconds(10)
) async throws -> (messages: [StoredMessage], at: Int64) {
    try await withTimeout(limit) {
        while true {
            let messages = try await pullMessages(client, broker, topic: topic, queueId: queueId)
            if messages.count >= count { return (messages, nowMillis()) }
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}

/// Sends `request` and expects SUCCESS; returns the response header.
@discardableResult
func sendOK(
    _ client: RemotingClient, _ broker: String, _ request: RemotingCommand
) async throws -> SendMessageResponseHeader {
    let response = try await client.invoke(request, to: broker, timeout: .seconds(5))
    #expect(response.code == ResponseCode.success.rawValue, "\(response.remark ?? "")")
    return try response.decodeHeader(SendMessageResponseHeader.self)
}

/// A broker on a data folder the caller owns (so it can be restarted on it), without name servers.
struct RestartableBroker {
    let broker: Broker
    let task: Task<Void, any Error>
    let address: String

    static func start(folder: String, configure: @Sendable (inout BrokerConfiguration) -> Void) async throws -> Self {
        var configuration = BrokerConfiguration(dataDirectory: folder)
        configuration.listen = HostAndPort(host: "127.0.0.1", port: 0)
        configuration.store.commitLogSegmentSize = 8 << 20
        configuration.store.indexHashSlots = 1024
        configuration.store.indexMaxEntries = 4096
        configure(&configuration)
        let broker = try Broker(configuration: configuration, logger: Logger(label: "test"))
        let task = Task { try await broker.run() }
        let address = try await withTimeout(.seconds(10)) { try await broker.controller.ready.wait() }
        return RestartableBroker(broker: broker, task: task, address: address)
    }

    func stop() async {
        task.cancel()
        _ = try? await task.value
    }
}

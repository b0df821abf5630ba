import CometBroker
import CometCore
import CometNameServer
import CometProtocol
import CometRemoting
import CometStore
import CometTestSupport
import Foundation
import Logging
import NIOCore
import Testing

/// Runs a name server and a broker on ephemeral loopback ports with a temporary data folder (the
/// embedded cluster of the `CometTesting` product), with a raw remoting client for the broker.
func withBroker<T: Sendable>(
    configure: @escaping @Sendable (inout BrokerConfiguration) -> Void = { _ in },
    _ body: @escaping @Sendable (_ namesrv: String, _ broker: String, _ client: RemotingClient) async throws -> T
) async throws -> T {
    try await EmbeddedCluster.with(logger: Logger(label: "test"), configure: configure) { cluster in
        let client = RemotingClient(logger: Logger(label: "test"))
        do {
            let result = try await body(cluster.nameServerAddress, cluster.brokerAddress, client)
            await client.shutdown()
            return result
        } catch {
            await client.shutdown()
            throw error
        }
    }
}

func sendRequest(
    topic: String, body: String, tags: String = "TagA", keys: String = "k1", queueId: Int32 = 0,
    extraProperties: [String: String] = [:]
) -> RemotingCommand {
    var properties = [MessagePropertyKey.tags: tags, MessagePropertyKey.keys: keys, "WAIT": "true"]
    properties.merge(extraProperties) { $1 }
    let header = SendMessageRequestHeader(
        producerGroup: "PG", topic: topic, queueId: queueId, bornTimestamp: 1_700_000_000_000,
        properties: MessageProperties.encode(properties))
    return .request(.sendMessage, header: header, body: ByteBuffer(string: body))
}

func pullRequest(
    topic: String, queueId: Int32 = 0, offset: Int64, suspendMillis: Int64 = 0, subscription: String = "*"
) -> RemotingCommand {
    .request(
        .pullMessage,
        header: PullMessageRequestHeader(
            consumerGroup: "CG", topic: topic, queueId: queueId, queueOffset: offset, maxMsgNums: 32,
            sysFlag: suspendMillis > 0 ? [.subscription, .suspend] : [.subscription],
            suspendTimeoutMillis: suspendMillis, subscription: subscription))
}

func decodeMessages(_ body: ByteBuffer?) throws -> [StoredMessage] {
    guard var body else { return [] }
    var messages: [StoredMessage] = []
    while body.readableBytes > 0 {
        let size = Int(body.getInteger(at: body.readerIndex, as: Int32.self)!)
        let record = body.readSlice(length: size)!
        messages.append(try record.withUnsafeReadableBytes { try StoredMessage.decode($0) })
    }
    return messages
}

@Suite("Broker over TCP", .timeLimit(.minutes(3)))
struct BrokerTCPTests {
    @Test("A sent message is pulled back with body, tags, keys and properties intact; its topic gets a route")
    func sendAndPull() async throws {
        try await withBroker { namesrv, broker, client in
            let sent = try await client.invoke(
                sendRequest(topic: "Orders", body: "hello", extraProperties: ["color": "blue"]), to: broker,
                timeout: .seconds(5))
            #expect(sent.responseCode == .success, "\(sent.remark ?? "")")
            let header = try sent.decodeHeader(SendMessageResponseHeader.self)
            #expect(header.queueOffset == 0)
            #expect(OffsetMessageID(header.msgId) != nil)

            let pulled = try await client.invoke(
                pullRequest(topic: "Orders", offset: 0), to: broker, timeout: .seconds(5))
            #expect(pulled.responseCode == .success)
            let pullHeader = try pulled.decodeHeader(PullMessageResponseHeader.self)
            #expect(pullHeader.nextBeginOffset == 1 && pullHeader.maxOffset == 1 && pullHeader.minOffset == 0)
            let messages = try decodeMessages(pulled.body)
            #expect(messages.count == 1)
            #expect(String(buffer: messages[0].body) == "hello")
            #expect(messages[0].tags == "TagA")
            #expect(messages[0].keys == ["k1"])
            #expect(messages[0].properties["color"] == "blue")
            #expect(messages[0].properties["WAIT"] == nil)
            #expect(messages[0].properties["CLUSTER"] == "DefaultCluster")
            #expect(messages[0].storeHost.description == broker)

            try await withTimeout(.seconds(10)) {
                while true {
                    let route = try await client.invoke(
                        .request(.getRouteInfoByTopic, header: GetRouteInfoRequestHeader(topic: "Orders")), to: namesrv,
                        timeout: .seconds(5))
                    if route.responseCode == .success {
                        let data = try TopicRouteData(body: route.body)
                        #expect(data.brokerDatas.first?.brokerAddrs[0] == broker)
                        return
                    }
                    try await Task.sleep(for: .milliseconds(50))
                }
            }
        }
    }

    @Test("A long-polling pull is answered as soon as a message arrives; an idle one times out with PULL_NOT_FOUND")
    func longPolling() async throws {
        try await withBroker { _, broker, client in
            _ = try await client.invoke(sendRequest(topic: "Poll", body: "first"), to: broker, timeout: .seconds(5))
            let clock = ContinuousClock()
            let idleStart = clock.now
            let idle = try await client.invoke(
                pullRequest(topic: "Poll", offset: 1, suspendMillis: 400), to: broker, timeout: .seconds(5))
            #expect(idle.responseCode == .pullNotFound)
            #expect(clock.now - idleStart >= .milliseconds(350))

            async let held = client.invoke(
                pullRequest(topic: "Poll", offset: 1, suspendMillis: 20_000), to: broker, timeout: .seconds(30))
            try await Task.sleep(for: .milliseconds(200))
            let sendStart = clock.now
            _ = try await client.invoke(sendRequest(topic: "Poll", body: "second"), to: broker, timeout: .seconds(5))
            let answer = try await held
            #expect(answer.responseCode == .success)
            #expect(clock.now - sendStart < .seconds(2))
            #expect(try decodeMessages(answer.body).map { String(buffer: $0.body) } == ["second"])
        }
    }

    @Test("Tag filtering on the broker returns only matching messages")
    func tagFilter() async throws {
        try await withBroker { _, broker, client in
            for (i, tag) in ["TagA", "TagB", "TagC", "TagA"].enumerated() {
                _ = try await client.invoke(
                    sendRequest(topic: "Tags", body: "m\(i)", tags: tag), to: broker, timeout: .seconds(5))
            }
            let pulled = try await client.invoke(
                pullRequest(topic: "Tags", offset: 0, subscription: "TagA || TagC"), to: broker, timeout: .seconds(5))
            #expect(try decodeMessages(pulled.body).map { String(buffer: $0.body) } == ["m0", "m2", "m3"])
        }
    }

    @Test("A new group on a young queue starts at 0; committed offsets are returned afterwards")
    func consumerOffsets() async throws {
        try await withBroker { _, broker, client in
            _ = try await client.invoke(sendRequest(topic: "Offsets", body: "x"), to: broker, timeout: .seconds(5))
            let query = RemotingCommand.request(
                .queryConsumerOffset,
                header: QueryConsumerOffsetRequestHeader(consumerGroup: "G", topic: "Offsets", queueId: 0))
            let first = try await client.invoke(query, to: broker, timeout: .seconds(5))
            #expect(first.responseCode == .success)
            #expect(try first.decodeHeader(OffsetResponseHeader.self).value == 0)
            _ = try await client.invoke(
                .request(
                    .updateConsumerOffset,
                    header: UpdateConsumerOffsetRequestHeader(
                        consumerGroup: "G", topic: "Offsets", queueId: 0, commitOffset: 1)),
                to: broker, timeout: .seconds(5))
            let second = try await client.invoke(query, to: broker, timeout: .seconds(5))
            #expect(try second.decodeHeader(OffsetResponseHeader.self).value == 1)
            let max = try await client.invoke(
                .request(.getMaxOffset, header: TopicQueueRequestHeader(topic: "Offsets", queueId: 0)), to: broker,
                timeout: .seconds(5))
            #expect(try max.decodeHeader(OffsetResponseHeader.self).value == 1)
        }
    }

    @Test("Bad input gets a response code and a remark, and the broker keeps serving")
    func badInput() async throws {
        let configure: @Sendable (inout BrokerConfiguration) -> Void = { $0.store.maxMessageSize = 2048 }
        try await withBroker(configure: configure) { _, broker, client in
            let illegal = try await client.invoke(
                sendRequest(topic: "bad topic!", body: "x"), to: broker, timeout: .seconds(5))
            #expect(illegal.responseCode == .messageIllegal)
            #expect(illegal.remark?.contains("topic") == true)

            let big = try await client.invoke(
                sendRequest(topic: "Big", body: String(repeating: "x", count: 4096)), to: broker, timeout: .seconds(5))
            #expect(big.responseCode == .messageIllegal)
            #expect(big.remark?.contains("2048") == true)

            let badQueue = try await client.invoke(
                sendRequest(topic: "Big", body: "x", queueId: 99), to: broker, timeout: .seconds(5))
            #expect(badQueue.responseCode == .systemError)
            #expect(badQueue.remark?.contains("queueId[99]") == true)

            let unknown = try await client.invoke(RemotingCommand(code: 4242), to: broker, timeout: .seconds(5))
            #expect(unknown.responseCode == .requestCodeNotSupported)

            let noTopic = try await client.invoke(
                pullRequest(topic: "Nope", offset: 0), to: broker, timeout: .seconds(5))
            #expect(noTopic.responseCode == .topicNotExist)

            let fine = try await client.invoke(sendRequest(topic: "Big", body: "ok"), to: broker, timeout: .seconds(5))
            #expect(fine.responseCode == .success)
        }
    }

    @Test("With auto-creation off, an unknown topic is refused with TOPIC_NOT_EXIST")
    func autoCreateOff() async throws {
        let configure: @Sendable (inout BrokerConfiguration) -> Void = { $0.autoCreateTopicEnable = false }
        try await withBroker(configure: configure) { _, broker, client in
            let refused = try await client.invoke(
                sendRequest(topic: "Fresh", body: "x"), to: broker, timeout: .seconds(5))
            #expect(refused.responseCode == .topicNotExist)
            let created = try await client.invoke(
                .request(
                    .updateAndCreateTopic,
                    header: CreateTopicRequestHeader(topic: "Fresh", readQueueNums: 2, writeQueueNums: 2)),
                to: broker, timeout: .seconds(5))
            #expect(created.responseCode == .success)
            let accepted = try await client.invoke(
                sendRequest(topic: "Fresh", body: "x"), to: broker, timeout: .seconds(5))
            #expect(accepted.responseCode == .success)
        }
    }
}

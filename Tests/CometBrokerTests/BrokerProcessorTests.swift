import CometBroker
import CometCore
import CometProtocol
import CometStore
import CometTestSupport
import InMemoryLogging
import NIOCore
import Testing

/// The broker's request processor, driven directly over testing channels: no sockets.
@Suite("Broker processor without sockets", .timeLimit(.minutes(1)))
struct BrokerProcessorTests {
    /// Runs `body` with a processor whose controller has a store open in a temporary folder.
    private func withProcessor(
        _ body: (BrokerProcessor, InMemoryLogHandler) async throws -> Void
    ) async throws {
        try await TemporaryDirectory.with(prefix: "comet-processor") { folder in
            var configuration = BrokerConfiguration(dataDirectory: folder.path)
            configuration.store.commitLogSegmentSize = 8 << 20
            configuration.store.indexHashSlots = 1024
            configuration.store.indexMaxEntries = 4096
            let logs = InMemoryLogHandler()
            let controller = try BrokerController(configuration: configuration, logger: logs.logger())
            let store = try await MessageStore.open(configuration: configuration.store)
            controller.didOpen(store: store, address: "127.0.0.1:10911")
            do {
                try await body(BrokerProcessor(controller: controller), logs)
            } catch {
                await store.shutdown()
                throw error
            }
            await store.shutdown()
        }
    }

    private func send(_ text: String, topic: String = "Orders", queue: Int32 = 0) -> RemotingCommand {
        .request(
            .sendMessage,
            header: SendMessageRequestHeader(
                producerGroup: "P", topic: topic, queueId: queue, bornTimestamp: 1_700_000_000_000,
                properties: MessageProperties.encode(["WAIT": "true"])),
            body: ByteBuffer(string: text))
    }

    private func heartbeat(client: String, group: String) -> RemotingCommand {
        let data = HeartbeatData(
            clientID: client,
            consumers: [
                ConsumerData(
                    groupName: group, consumeType: .consumePassively, messageModel: .clustering,
                    consumeFromWhere: .firstOffset, subscriptions: [SubscriptionData(topic: "Orders", subString: "*")])
            ])
        return .request(.heartBeat, body: data.encoded())
    }

    @Test("Before the store is open every request answers SYSTEM_BUSY")
    func busyBeforeOpen() async throws {
        try await TemporaryDirectory.with(prefix: "comet-processor") { folder in
            let controller = try BrokerController(
                configuration: BrokerConfiguration(dataDirectory: folder.path), logger: InMemoryLogHandler().logger())
            let peer = try await TestConnection()
            let response = try await BrokerProcessor(controller: controller).process(
                send("x"), connection: peer.connection)
            #expect(response?.responseCode == .systemBusy)
        }
    }

    @Test("A sent message is stored, auto-creating its topic, and a pull returns it")
    func sendThenPull() async throws {
        try await withProcessor { processor, _ in
            let producer = try await TestConnection()
            let sent = try #require(try await processor.process(send("hello"), connection: producer.connection))
            #expect(sent.responseCode == .success)
            let header = try sent.decodeHeader(SendMessageResponseHeader.self)
            #expect(header.queueId == 0 && header.queueOffset == 0)
            #expect(processor.controller.topics.snapshot.topicConfigTable["Orders"] != nil)

            let consumer = try await TestConnection()
            let pull = RemotingCommand.request(
                .pullMessage,
                header: PullMessageRequestHeader(
                    consumerGroup: "G", topic: "Orders", queueId: 0, queueOffset: 0, sysFlag: [.subscription],
                    subscription: "*"))
            let pulled = try #require(try await processor.process(pull, connection: consumer.connection))
            #expect(pulled.responseCode == .success)
            let next = try pulled.decodeHeader(PullMessageResponseHeader.self)
            #expect(next.nextBeginOffset == 1)
            let messages = try StoredMessage.decodeAll(pulled.body ?? ByteBuffer())
            #expect(messages.map { String(buffer: $0.body) } == ["hello"])
        }
    }

    @Test("A pull past the end without suspension answers PULL_NOT_FOUND at once")
    func pullNothing() async throws {
        try await withProcessor { processor, _ in
            let peer = try await TestConnection()
            _ = try await processor.process(send("one"), connection: peer.connection)
            let pull = RemotingCommand.request(
                .pullMessage,
                header: PullMessageRequestHeader(
                    consumerGroup: "G", topic: "Orders", queueId: 0, queueOffset: 1, sysFlag: [.subscription],
                    subscription: "*"))
            let response = try await processor.process(pull, connection: peer.connection)
            #expect(response?.responseCode == .pullNotFound)
        }
    }

    @Test("A consumer joining a group makes the broker notify the members already there")
    func notifiesGroupMembers() async throws {
        try await withProcessor { processor, logs in
            let first = try await TestConnection()
            let second = try await TestConnection(port: 40_001)
            #expect(
                try await processor.process(heartbeat(client: "c1", group: "G"), connection: first.connection)?
                    .responseCode == .success)
            #expect(
                try await processor.process(heartbeat(client: "c2", group: "G"), connection: second.connection)?
                    .responseCode == .success)
            let notice = try await first.nextWritten()
            #expect(notice.requestCode == .notifyConsumerIdsChanged)
            #expect(notice.isOneway)
            #expect(try notice.decodeHeader(ConsumerGroupHeader.self).consumerGroup == "G")
            #expect(logs.lines.contains { $0.contains("consumer joined") })

            let list = try await processor.process(
                .request(.getConsumerListByGroup, header: ConsumerGroupHeader(consumerGroup: "G")),
                connection: first.connection)
            #expect(list?.responseCode == .success)
            let body = list?.body.map { String(buffer: $0) } ?? ""
            #expect(body.contains("c1") && body.contains("c2"))
        }
    }

    @Test("An unknown request code answers REQUEST_CODE_NOT_SUPPORTED")
    func unknownCode() async throws {
        try await withProcessor { processor, _ in
            let peer = try await TestConnection()
            let response = try await processor.process(RemotingCommand(code: 31_999), connection: peer.connection)
            #expect(response?.responseCode == .requestCodeNotSupported)
        }
    }
}

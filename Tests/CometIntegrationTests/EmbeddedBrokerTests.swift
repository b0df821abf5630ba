import CometClient
import CometTesting
import Foundation
import Testing

/// The example of the CometTesting documentation: a user's test against an embedded broker, through
/// public API only.
@Suite("Embedded broker for users' tests", .timeLimit(.minutes(1)))
struct EmbeddedBrokerTests {
    @Test("A test sends and receives through an embedded broker, which leaves nothing behind")
    func sendAndReceive() async throws {
        let folder = try await withEmbeddedBroker { cluster in
            try await withProducer(group: "orders-test", configuration: cluster.clientConfiguration()) { producer in
                let result = try await producer.send(Message(topic: "Orders", text: "created", keys: ["order-1"]))
                #expect(result.status == .ok)
            }
            let (received, delivered) = AsyncStream<ReceivedMessage>.makeStream()
            var options = PushConsumer.Options()
            options.consumeFrom = .earliest
            let consumer = PushConsumer(
                group: "billing", configuration: cluster.clientConfiguration(instanceName: "c"), options: options)
            try consumer.subscribe("Orders")
            try await consumer.start { message in
                delivered.yield(message)
                return .success
            }
            var first: ReceivedMessage?
            for await message in received {
                first = message
                break
            }
            await consumer.shutdown()
            #expect(first?.text == "created")
            #expect(first?.keys == ["order-1"])
            return cluster.dataDirectory
        }
        #expect(!FileManager.default.fileExists(atPath: folder))
    }

    @Test("With automatic topic creation off, an unknown topic is an error the test can see")
    func noAutoCreate() async throws {
        var options = EmbeddedBrokerOptions()
        options.autoCreateTopics = false
        try await withEmbeddedBroker(options: options) { cluster in
            try await withProducer(configuration: cluster.clientConfiguration()) { producer in
                await #expect(throws: ClientError.self) {
                    try await producer.send(Message(topic: "Unknown", text: "x"))
                }
            }
        }
    }
}

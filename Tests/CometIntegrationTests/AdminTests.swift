import CometAdmin
import CometClient
import Testing

@Suite("Admin operations against a real broker")
struct AdminTests {
    @Test("Create, list, route, status, group lag and delete a topic")
    func topicLifecycle() async throws {
        try await withBroker { namesrv, broker, _ in
            let admin = Admin(configuration: clientConfiguration(namesrv, "admin"))
            #expect(try await admin.createTopic("Managed", readQueues: 3, writeQueues: 3) == [broker])
            #expect(try await admin.cluster().map(\.brokerName) == ["broker-a"])
            try await withTimeout(.seconds(10)) {
                while try await !admin.topics().contains("Managed") { try await Task.sleep(for: .milliseconds(50)) }
            }
            #expect(try await admin.route("Managed").queues.first?.writeQueues == 3)

            let producer = Producer(group: "PG", configuration: clientConfiguration(namesrv, "p"))
            try await producer.start()
            let queue = MessageQueue(topic: "Managed", brokerName: "broker-a", queueId: 1)
            for i in 0..<5 { _ = try await producer.send(Message(topic: "Managed", text: "m\(i)"), to: queue) }
            await producer.shutdown()
            let status = try await admin.topicStatus("Managed")
            #expect(status.map(\.maxOffset) == [0, 5, 0])

            let consumer = PullConsumer(group: "Lagging", configuration: clientConfiguration(namesrv, "c"))
            try await consumer.start()
            try await consumer.commit(queue, offset: 2)
            await consumer.shutdown()
            let progress = try await admin.groupProgress("Lagging", topic: "Managed")
            #expect(progress[1].consumerOffset == 2)
            #expect(progress.reduce(0) { $0 + $1.lag } == 3)

            try await admin.deleteTopic("Managed")
            #expect(try await !admin.topics().contains("Managed"))
            await admin.shutdown()
        }
    }
}

import CometAdmin
import CometClient
import CometTestSupport
import Foundation
import Testing

@Suite("Admin operations against a real broker", .timeLimit(.minutes(3)))
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

@Suite("Dead letters", .timeLimit(.minutes(3)))
struct DeadLetterTests {
    @Test("A message failed past the group's limit lands in %DLQ%, is listed, and re-sent once to its topic")
    func deadLetters() async throws {
        try await withBroker { namesrv, _, _ in
            let producer = Producer(group: "PG", configuration: clientConfiguration(namesrv, "p"))
            try await producer.start()
            _ = try await producer.send(Message(topic: "Fragile", text: "poison", keys: ["bad-1"]))
            await producer.shutdown()

            var options = fastOptions()
            options.maxReconsumeTimes = 1
            let attempts = Inbox()
            let consumer = PushConsumer(
                group: "Strict", configuration: clientConfiguration(namesrv, "c"), options: options)
            try consumer.subscribe("Fragile")
            try await consumer.start { message in
                attempts.add(message)
                return .retryLater
            }
            let admin = Admin(configuration: clientConfiguration(namesrv, "admin"))
            let letters = try await withTimeout(.seconds(20)) {
                while true {
                    let letters = (try? await admin.deadLetters(of: "Strict")) ?? []
                    if !letters.isEmpty { return letters }
                    try await Task.sleep(for: .milliseconds(100))
                }
            }
            await consumer.shutdown()
            #expect(letters.map(\.originalTopic) == ["Fragile"])
            #expect(letters.first?.body == "poison")
            #expect(letters.first?.keys == ["bad-1"])

            let before = try await admin.topicStatus("Fragile").reduce(0) { $0 + $1.maxOffset }
            #expect(
                try await admin.resendDeadLetters(of: "Strict", configuration: clientConfiguration(namesrv, "r")) == 1)
            #expect(
                try await admin.resendDeadLetters(of: "Strict", configuration: clientConfiguration(namesrv, "r")) == 0)
            let after = try await admin.topicStatus("Fragile").reduce(0) { $0 + $1.maxOffset }
            #expect(after == before + 1)
            await admin.shutdown()
        }
    }
}

@Suite("Offset reset", .timeLimit(.minutes(3)))
struct OffsetResetTests {
    @Test("Resetting a live group's offsets to an earlier time makes its consumer read again from there")
    func resetLiveConsumer() async throws {
        try await withBroker { namesrv, _, _ in
            let producer = Producer(group: "PG", configuration: clientConfiguration(namesrv, "p"))
            try await producer.start()
            let queue = MessageQueue(topic: "Replay", brokerName: "broker-a", queueId: 0)
            for i in 0..<3 { _ = try await producer.send(Message(topic: "Replay", text: "old-\(i)"), to: queue) }
            try await Task.sleep(for: .milliseconds(50))
            let cut = Int64(Date().timeIntervalSince1970 * 1000)
            try await Task.sleep(for: .milliseconds(50))
            for i in 0..<2 { _ = try await producer.send(Message(topic: "Replay", text: "new-\(i)"), to: queue) }

            let inbox = Inbox()
            let consumer = PushConsumer(
                group: "Replayer", configuration: clientConfiguration(namesrv, "c"), options: fastOptions())
            try consumer.subscribe("Replay")
            try await consumer.start { message in
                inbox.add(message)
                return .success
            }
            try await inbox.wait(for: 5)
            let admin = Admin(configuration: clientConfiguration(namesrv, "admin"))
            #expect(try await admin.resetOffsets(group: "Replayer", topic: "Replay", timestamp: cut) > 0)
            try await inbox.wait(for: 7)
            #expect(inbox.all.suffix(2).map(\.text) == ["new-0", "new-1"])
            await consumer.shutdown()
            await admin.shutdown()
            await producer.shutdown()
        }
    }
}

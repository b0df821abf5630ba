import CometBroker
import CometClient
import CometTestSupport
import Foundation
import Synchronization
import Testing

/// Collects what a push consumer receives.
final class Inbox: Sendable {
    let messages = Mutex<[ReceivedMessage]>([])
    var count: Int { messages.withLock { $0.count } }
    var all: [ReceivedMessage] { messages.withLock { $0 } }
    func add(_ message: ReceivedMessage) { messages.withLock { $0.append(message) } }

    func wait(for n: Int, within limit: Duration = .seconds(20)) async throws {
        try await withTimeout(limit) { while self.count < n { try await Task.sleep(for: .milliseconds(20)) } }
    }
}

func fastOptions(_ model: MessageModel = .clustering, orderly: Bool = false) -> PushConsumer.Options {
    var options = PushConsumer.Options()
    options.model = model
    options.orderly = orderly
    options.consumeFrom = .earliest
    options.rebalanceInterval = .milliseconds(500)
    options.offsetCommitInterval = .milliseconds(200)
    options.suspendTimeout = .seconds(2)
    return options
}

func clientConfiguration(_ namesrv: String, _ name: String) -> ClientConfiguration {
    ClientConfiguration(nameServers: [namesrv], instanceName: name, clientIP: "127.0.0.1")
}

@Suite("Swift client against a real broker", .timeLimit(.minutes(3)))
struct ClientTests {
    @Test("Sync, concurrent async and oneway sends reach a push consumer with tags, keys and properties intact")
    func produceAndConsume() async throws {
        try await withBroker { namesrv, _, _ in
            let producer = Producer(group: "PG", configuration: clientConfiguration(namesrv, "p"))
            try await producer.start()
            let first = try await producer.send(
                Message(topic: "Orders", text: "sync", tags: "TagA", keys: ["k-sync"], properties: ["color": "red"]))
            #expect(first.status == .ok)
            #expect(first.messageId.count == 32)
            try await withThrowingTaskGroup(of: SendResult.self) { group in
                for i in 0..<50 {
                    group.addTask {
                        try await producer.send(Message(topic: "Orders", text: "async-\(i)", tags: "TagB"))
                    }
                }
                for try await result in group { #expect(result.status == .ok) }
            }
            try await producer.sendOneway(Message(topic: "Orders", text: "oneway", tags: "TagA"))

            let inbox = Inbox()
            let consumer = PushConsumer(
                group: "CG", configuration: clientConfiguration(namesrv, "c"), options: fastOptions())
            try consumer.subscribe("Orders")
            try await consumer.start { message in
                inbox.add(message)
                return .success
            }
            try await inbox.wait(for: 52)
            let sync = try #require(inbox.all.first { $0.text == "sync" })
            #expect(sync.tags == "TagA" && sync.keys == ["k-sync"] && sync.properties["color"] == "red")
            #expect(sync.messageId == first.messageId)
            #expect(Set(inbox.all.map(\.text)).count == 52)
            await consumer.shutdown()
            await producer.shutdown()
        }
    }

    @Test("A tag expression delivers only matching messages; large bodies are compressed and restored")
    func tagsAndCompression() async throws {
        try await withBroker { namesrv, _, _ in
            let producer = Producer(group: "PG", configuration: clientConfiguration(namesrv, "p"))
            try await producer.start()
            let big = (0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
            _ = try await producer.send(Message(topic: "Mixed", body: big, tags: "TagA"))
            _ = try await producer.send(Message(topic: "Mixed", text: "b", tags: "TagB"))
            _ = try await producer.send(Message(topic: "Mixed", text: "c", tags: "TagC"))
            let inbox = Inbox()
            let consumer = PushConsumer(
                group: "CG", configuration: clientConfiguration(namesrv, "c"), options: fastOptions())
            try consumer.subscribe("Mixed", expression: "TagA || TagC")
            try await consumer.start { message in
                inbox.add(message)
                return .success
            }
            try await inbox.wait(for: 2)
            try await Task.sleep(for: .milliseconds(300))
            #expect(inbox.all.map { $0.tags ?? "" }.sorted() == ["TagA", "TagC"])
            #expect(inbox.all.first { $0.tags == "TagA" }?.body == big)
            await consumer.shutdown()
            await producer.shutdown()
        }
    }

    @Test("Orderly sends keep per-key order through an orderly consumer")
    func orderly() async throws {
        try await withBroker { namesrv, _, _ in
            let producer = Producer(group: "PG", configuration: clientConfiguration(namesrv, "p"))
            try await producer.start()
            for i in 0..<20 {
                for key in ["a", "b", "c"] {
                    _ = try await producer.send(Message(topic: "Ordered", text: "\(key)-\(i)"), shardingKey: key)
                }
            }
            let inbox = Inbox()
            let consumer = PushConsumer(
                group: "CG", configuration: clientConfiguration(namesrv, "c"), options: fastOptions(orderly: true))
            try consumer.subscribe("Ordered")
            try await consumer.start { message in
                inbox.add(message)
                return .success
            }
            try await inbox.wait(for: 60)
            for key in ["a", "b", "c"] {
                let sequence = inbox.all.map(\.text).filter { $0.hasPrefix(key + "-") }
                #expect(sequence == (0..<20).map { "\(key)-\($0)" })
            }
            await consumer.shutdown()
            await producer.shutdown()
        }
    }

    @Test("A batch is stored as individual messages; the pull consumer reads, seeks and commits")
    func batchAndPull() async throws {
        try await withBroker { namesrv, _, _ in
            let producer = Producer(group: "PG", configuration: clientConfiguration(namesrv, "p"))
            try await producer.start()
            let batch = (0..<10).map { Message(topic: "Batched", text: "m\($0)", keys: ["k\($0)"]) }
            let result = try await producer.send(batch: batch)
            #expect(result.messageId.split(separator: ",").count == 10)

            let consumer = PullConsumer(group: "PCG", configuration: clientConfiguration(namesrv, "pc"))
            try await consumer.start()
            // The auto-created topic reaches the name server with the broker's next registration,
            // which runs in the background (as upstream): wait until it is routable.
            try await withTimeout(.seconds(5)) {
                while (try? await consumer.queues(of: "Batched"))?.isEmpty ?? true {
                    try await Task.sleep(for: .milliseconds(20))
                }
            }
            let queue = result.queue
            try await consumer.assign([queue], from: .earliest)
            let polled = try await consumer.poll()
            #expect(polled.map(\.text) == (0..<10).map { "m\($0)" })
            #expect(polled.map(\.queueOffset) == Array(result.queueOffset..<result.queueOffset + 10))
            try await consumer.commit()
            #expect(try await consumer.committedOffset(queue) == result.queueOffset + 10)
            consumer.seek(queue, to: result.queueOffset + 7)
            #expect(try await consumer.poll().map(\.text) == ["m7", "m8", "m9"])
            let empty = try await consumer.pull(queue, at: result.queueOffset + 10)
            #expect(empty.status == .noNewMessages)
            await consumer.shutdown()
            await producer.shutdown()
        }
    }

    @Test("Sending to an unknown topic with auto-creation off fails with noRoute")
    func noRoute() async throws {
        let configure: @Sendable (inout BrokerConfiguration) -> Void = { $0.autoCreateTopicEnable = false }
        try await withBroker(configure: configure) { namesrv, _, _ in
            let producer = Producer(group: "PG", configuration: clientConfiguration(namesrv, "p"))
            try await producer.start()
            let error = await #expect(throws: ClientError.self) {
                _ = try await producer.send(Message(topic: "Nowhere", text: "x"))
            }
            #expect(error?.code == .noRoute)
            let illegal = await #expect(throws: ClientError.self) {
                _ = try await producer.send(Message(topic: "bad topic", text: "x"))
            }
            #expect(illegal?.code == .illegalMessage)
            await producer.shutdown()
        }
    }

    @Test("Three consumers share the queues; when one stops the others take over and nothing is lost")
    func rebalance() async throws {
        try await withBroker { namesrv, broker, client in
            let producer = Producer(group: "PG", configuration: clientConfiguration(namesrv, "p"))
            try await producer.start()
            _ = try await producer.send(Message(topic: "Shared", text: "warm-up"))
            let inbox = Inbox()
            var consumers: [PushConsumer] = []
            for i in 0..<3 {
                let consumer = PushConsumer(
                    group: "CG", configuration: clientConfiguration(namesrv, "c\(i)"), options: fastOptions())
                try consumer.subscribe("Shared")
                try await consumer.start { message in
                    inbox.add(message)
                    return .success
                }
                consumers.append(consumer)
            }
            let group = consumers
            try await withTimeout(.seconds(20)) {
                while Set(group.flatMap(\.assignedQueues)).count < 4
                    || group.contains(where: { $0.assignedQueues.isEmpty })
                {
                    try await Task.sleep(for: .milliseconds(50))
                }
            }
            for i in 0..<40 { _ = try await producer.send(Message(topic: "Shared", text: "before-\(i)")) }
            try await inbox.wait(for: 41)
            await consumers[2].shutdown()
            try await withTimeout(.seconds(20)) {
                while Set(group[0].assignedQueues + group[1].assignedQueues).count < 4 {
                    try await Task.sleep(for: .milliseconds(50))
                }
            }
            for i in 0..<40 { _ = try await producer.send(Message(topic: "Shared", text: "after-\(i)")) }
            let expected = Set((0..<40).flatMap { ["before-\($0)", "after-\($0)"] })
            // Redelivery after a rebalance is allowed (at-least-once); loss is not.
            try? await withTimeout(.seconds(20)) {
                while !expected.isSubset(of: Set(inbox.all.map(\.text))) {
                    try await Task.sleep(for: .milliseconds(50))
                }
            }
            let missing = expected.subtracting(inbox.all.map(\.text))
            #expect(missing.isEmpty, "missing: \(missing.sorted())")
            await consumers[0].shutdown()
            await consumers[1].shutdown()
            await producer.shutdown()
        }
    }

    @Test("Broadcasting consumers each receive every message")
    func broadcasting() async throws {
        try await withBroker { namesrv, _, _ in
            let producer = Producer(group: "PG", configuration: clientConfiguration(namesrv, "p"))
            try await producer.start()
            _ = try await producer.send(Message(topic: "Fanout", text: "create"))
            let inboxes = [Inbox(), Inbox()]
            var consumers: [PushConsumer] = []
            for (i, inbox) in inboxes.enumerated() {
                let consumer = PushConsumer(
                    group: "BG", configuration: clientConfiguration(namesrv, "b\(i)"),
                    options: fastOptions(.broadcasting))
                try consumer.subscribe("Fanout")
                try await consumer.start { message in
                    inbox.add(message)
                    return .success
                }
                consumers.append(consumer)
            }
            for i in 0..<20 { _ = try await producer.send(Message(topic: "Fanout", text: "m\(i)")) }
            for inbox in inboxes { try await inbox.wait(for: 21) }
            for inbox in inboxes { #expect(Set(inbox.all.map(\.text)).count == 21) }
            for consumer in consumers { await consumer.shutdown() }
            await producer.shutdown()
        }
    }

    @Test("A message the handler fails is delivered again")
    func retryLater() async throws {
        try await withBroker { namesrv, _, _ in
            let producer = Producer(group: "PG", configuration: clientConfiguration(namesrv, "p"))
            try await producer.start()
            _ = try await producer.send(Message(topic: "Flaky", text: "once"))
            let attempts = Inbox()
            let consumer = PushConsumer(
                group: "CG", configuration: clientConfiguration(namesrv, "c"), options: fastOptions())
            try consumer.subscribe("Flaky")
            try await consumer.start { message in
                attempts.add(message)
                return attempts.count == 1 ? .retryLater : .success
            }
            try await attempts.wait(for: 2, within: .seconds(30))
            #expect(attempts.all.allSatisfy { $0.text == "once" && $0.topic == "Flaky" })
            #expect(attempts.all[1].reconsumeTimes >= 1)
            await consumer.shutdown()
            await producer.shutdown()
        }
    }
}

import CometBroker
import CometClient
import Synchronization
import Testing

@Suite("Swift transactional producer", .timeLimit(.minutes(3)))
struct TransactionProducerTests {
    @Test("Commit delivers, rollback never does, unknown is resolved by the checker")
    func commitRollbackCheck() async throws {
        let configure: @Sendable (inout BrokerConfiguration) -> Void = {
            // The grace period before a check must exceed how late END_TRANSACTION can arrive on a loaded
            // machine, or a committed message is checked (and rolled back by the checker below).
            $0.transactionCheckInterval = .milliseconds(300)
            $0.transactionTimeout = .seconds(2)
        }
        try await withBroker(configure: configure) { namesrv, _, _ in
            let checked = Mutex<[String]>([])
            let producer = TransactionProducer(group: "TXG", configuration: clientConfiguration(namesrv, "tx")) {
                message in
                checked.withLock { $0.append(message.text) }
                return message.text == "unknown-then-commit" ? .commit : .rollback
            }
            try await producer.start()
            let (committed, state) = try await producer.send(Message(topic: "Payments", text: "commit")) { _, _ in
                .commit
            }
            #expect(committed.status == .ok && state == .commit)
            _ = try await producer.send(Message(topic: "Payments", text: "rollback")) { _, _ in .rollback }
            _ = try await producer.send(Message(topic: "Payments", text: "unknown-then-commit")) { _, _ in .unknown }

            let inbox = Inbox()
            let consumer = PushConsumer(
                group: "CG", configuration: clientConfiguration(namesrv, "c"), options: fastOptions())
            try consumer.subscribe("Payments")
            try await consumer.start { message in
                inbox.add(message)
                return .success
            }
            try await inbox.wait(for: 2, within: .seconds(20))
            try await Task.sleep(for: .seconds(1))
            #expect(inbox.all.map(\.text).sorted() == ["commit", "unknown-then-commit"])
            #expect(checked.withLock { $0 }.contains("unknown-then-commit"))
            #expect(!checked.withLock { $0 }.contains("commit"))
            await consumer.shutdown()
            await producer.shutdown()
        }
    }
}

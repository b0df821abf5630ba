import CometBroker
import CometCore
import CometStore
import CometTestSupport
import Logging
import Synchronization
import Testing

@Suite("POP service over a real store")
struct PopServiceTests {
    final class TestClock: Sendable {
        let now = Atomic<Int64>(1_000_000)
        var clock: WallClock { WallClock { [self] in self.now.load(ordering: .relaxed) } }
        func advance(_ millis: Int64) { now.add(millis, ordering: .relaxed) }
    }

    func outcome(_ result: Result<Void, PopService.HandleError>) -> PopService.HandleError? {
        if case .failure(let error) = result { return error }
        return nil
    }

    func request(_ group: String = "g", count: Int = 10, fifo: Bool = false, attempts: Int32 = 3) -> PopService.Request
    {
        PopService.Request(
            group: group, topic: "T", queueIDs: [0], filter: .all, maxCount: count, invisibleMillis: 5_000, fifo: fifo,
            pollMillis: 0, maxDeliveryAttempts: attempts)
    }

    func withStore(_ body: (MessageStore, String) async throws -> Void) async throws {
        try await TemporaryDirectory.with(prefix: "comet-pop") { directory in
            var configuration = MessageStoreConfiguration(rootDirectory: directory.path + "/store")
            configuration.commitLogSegmentSize = 1 << 20
            configuration.maxMessageSize = 64 * 1024
            configuration.consumeQueueEntriesPerSegment = 1000
            let store = try await MessageStore.open(configuration: configuration)
            do {
                try await body(store, directory.path + "/config")
            } catch {
                await store.shutdown()
                throw error
            }
            await store.shutdown()
        }
    }

    func service(_ config: String, _ clock: TestClock) throws -> PopService {
        let offsets = try ConsumerOffsetManager(configDirectory: config)
        return try PopService(
            configDirectory: config, offsets: offsets, clock: clock.clock, logger: Logger(label: "test"))
    }

    @Test("Receive, ack, redeliver after the invisible time, survive a reopen")
    func lifecycle() async throws {
        try await withStore { store, config in
            for index in 0..<3 {
                _ = try await store.putMessage(StoreTestMessages.make(topic: "T", queueID: 0, index: index))
            }
            let clock = TestClock()
            let pop = try service(config, clock)
            let first = try await pop.receive(request(count: 2), store: store)
            #expect(first.map(\.message.queueOffset) == [0, 1])
            #expect(first.allSatisfy { $0.attempt == 1 })
            let second = try await pop.receive(request(), store: store)
            #expect(second.map(\.message.queueOffset) == [2])
            #expect(try await pop.receive(request(), store: store).isEmpty)
            #expect(outcome(try pop.ack(group: "g", topic: "T", handle: first[0].receiptHandle)) == nil)
            #expect(outcome(try pop.ack(group: "g", topic: "T", handle: first[0].receiptHandle)) == .stale)
            #expect(pop.committedOffset(group: "g", topic: "T", queueID: 0) == 1)

            clock.advance(5_000)
            let again = try await pop.receive(request(), store: store)
            #expect(again.map(\.message.queueOffset) == [1, 2])
            #expect(again.allSatisfy { $0.attempt == 2 })
            #expect(outcome(try pop.ack(group: "g", topic: "T", handle: first[1].receiptHandle)) == .stale)

            // Reopened from the journal: offset 0 stays acked, 1 and 2 are in flight until +5 s.
            let reopened = try service(config, clock)
            #expect(try await reopened.receive(request(), store: store).isEmpty)
            clock.advance(5_000)
            let third = try await reopened.receive(request(), store: store)
            #expect(third.map(\.message.queueOffset) == [1, 2])
            #expect(third.allSatisfy { $0.attempt == 3 })
            for popped in third {
                #expect(outcome(try reopened.ack(group: "g", topic: "T", handle: popped.receiptHandle)) == nil)
            }
            clock.advance(60_000)
            #expect(try await reopened.receive(request(), store: store).isEmpty)
            #expect(reopened.committedOffset(group: "g", topic: "T", queueID: 0) == 3)
        }
    }

    @Test("Change of invisible time hands out a new handle")
    func changeInvisibleTime() async throws {
        try await withStore { store, config in
            _ = try await store.putMessage(StoreTestMessages.make(topic: "T", queueID: 0, index: 0))
            let clock = TestClock()
            let pop = try service(config, clock)
            let got = try await pop.receive(request(), store: store)
            let changed = try pop.changeInvisibleTime(group: "g", topic: "T", handle: got[0].receiptHandle, millis: 0)
            guard case .success(let (handle, _)) = changed else {
                Issue.record("change failed: \(changed)")
                return
            }
            #expect(handle != got[0].receiptHandle)
            let again = try await pop.receive(request(), store: store)
            #expect(again.map(\.attempt) == [2])
        }
    }

    @Test("Messages past their last attempt go to the dead-letter topic")
    func deadLetter() async throws {
        try await withStore { store, config in
            _ = try await store.putMessage(StoreTestMessages.make(topic: "T", queueID: 0, index: 0))
            let clock = TestClock()
            let pop = try service(config, clock)
            pop.setDeadLetterTopicMaker { _ in }
            _ = try await pop.receive(request(attempts: 2), store: store)
            clock.advance(5_000)
            #expect(try await pop.receive(request(attempts: 2), store: store).map(\.attempt) == [2])
            clock.advance(5_000)
            #expect(try await pop.receive(request(attempts: 2), store: store).isEmpty)
            #expect(store.maxOffset(topic: "%DLQ%g", queueID: 0) == 1)
            clock.advance(120_000)
            #expect(try await pop.receive(request(attempts: 2), store: store).isEmpty)
        }
    }

    @Test("FIFO: one message per group in flight, other groups go on")
    func fifo() async throws {
        try await withStore { store, config in
            for (index, group) in ["a", "a", "b", "a", "b"].enumerated() {
                var message = StoreTestMessages.make(topic: "T", queueID: 0, index: index)
                message.properties[MessagePropertyKey.shardingKey] = group
                _ = try await store.putMessage(message)
            }
            let clock = TestClock()
            let pop = try service(config, clock)
            let first = try await pop.receive(request(fifo: true), store: store)
            #expect(first.map(\.message.queueOffset) == [0, 2])
            #expect(try await pop.receive(request(fifo: true), store: store).isEmpty)
            _ = try pop.ack(group: "g", topic: "T", handle: first[1].receiptHandle)
            #expect(try await pop.receive(request(fifo: true), store: store).map(\.message.queueOffset) == [4])
            _ = try pop.ack(group: "g", topic: "T", handle: first[0].receiptHandle)
            #expect(try await pop.receive(request(fifo: true), store: store).map(\.message.queueOffset) == [1])
        }
    }
}

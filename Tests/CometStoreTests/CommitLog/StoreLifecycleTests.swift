import CometCore
import CometStore
import CometTestSupport
import Testing

@Suite("Store lifecycle", .timeLimit(.minutes(3)))
struct StoreLifecycleTests {
    @Test("A second open of the same directory is refused while the first is running")
    func lockFile() async throws {
        try await TemporaryDirectory.with { directory in
            let configuration = testConfiguration(directory)
            let store = try await MessageStore.open(configuration: configuration)
            await #expect(throws: StoreError(.storeLocked)) {
                try await MessageStore.open(configuration: configuration)
            }
            await store.shutdown()
            let again = try await MessageStore.open(configuration: configuration)
            await again.shutdown()
        }
    }

    @Test("Prepared and rolled-back transaction records get no queue offset or consume-queue entry")
    func transactionalRecords() async throws {
        try await TemporaryDirectory.with { directory in
            let store = try await MessageStore.open(configuration: testConfiguration(directory))
            var prepared = StoreTestMessages.make(index: 0)
            prepared.sysFlag.transactionType = .prepared
            let half = try await store.putMessage(prepared)
            #expect(half.messages[0].queueOffset == 0)
            #expect(store.maxOffset(topic: "TopicTest", queueID: 0) == 0)
            // Without a consume-queue entry the record is not served at client-chosen offsets...
            #expect(store.lookMessage(commitLogOffset: half.messages[0].physicalOffset) == nil)
            // ...but the store can still read it when asked explicitly.
            #expect(
                store.lookMessage(commitLogOffset: half.messages[0].physicalOffset, requireQueueEntry: false)?.sysFlag
                    .transactionType == .prepared)
            var committed = StoreTestMessages.make(index: 1)
            committed.sysFlag.transactionType = .commit
            committed.preparedTransactionOffset = half.messages[0].physicalOffset
            _ = try await store.putMessage(committed)
            #expect(store.maxOffset(topic: "TopicTest", queueID: 0) == 1)
            await store.shutdown()
        }
    }

    @Test("Arrivals are published for each queue written")
    func arrivals() async throws {
        try await TemporaryDirectory.with { directory in
            let arrivals = MessageArrivalStream()
            let store = try await MessageStore.open(
                configuration: testConfiguration(directory), onMessageArrived: arrivals.yield)
            _ = try await store.putMessages([
                StoreTestMessages.make(queueID: 3, index: 0, tags: "TagA"),
                StoreTestMessages.make(queueID: 3, index: 1, tags: "TagA"),
            ])
            var iterator = arrivals.stream.makeAsyncIterator()
            let arrival = await iterator.next()
            #expect(arrival?.queueID == 3)
            #expect(arrival?.maxOffset == 2)
            #expect(arrival?.tagsCode == TagHashCode.tagsCode("TagA"))
            await store.shutdown()
            arrivals.finish()
        }
    }

    @Test("After a crash the index still finds messages written before it")
    func indexAfterCrash() async throws {
        try await TemporaryDirectory.with { directory in
            let configuration = testConfiguration(directory)
            let store = try await MessageStore.open(configuration: configuration)
            for index in 0..<300 {
                _ = try await store.putMessage(StoreTestMessages.make(index: index, uniqueKey: "U\(index)"))
            }
            await store.closeWithoutCleanShutdownForTesting()
            let reopened = try await MessageStore.open(configuration: configuration)
            #expect(!reopened.recoveryReport.wasCleanShutdown)
            for index in [0, 150, 299] {
                let found = try await reopened.queryMessages(topic: "TopicTest", uniqueKey: "U\(index)")
                #expect(found.count == 1)
            }
            #expect(reopened.maxOffset(topic: "TopicTest", queueID: 0) == 300)
            await reopened.shutdown()
        }
    }
}

import CometCore
import CometStore
import CometTestSupport
import Synchronization
import Testing

@Suite("Index and timestamp search", .timeLimit(.minutes(3)))
struct IndexQueryTests {
    @Test("Messages are found by key, unique key and offset message id, across index files and reopen")
    func lookups() async throws {
        try await TemporaryDirectory.with { directory in
            let configuration = testConfiguration(directory)
            let store = try await MessageStore.open(configuration: configuration)
            var ids: [String] = []
            // 600 messages × 2-3 index entries each overflow several 500-entry index files.
            for index in 0..<600 {
                let result = try await store.putMessage(
                    StoreTestMessages.make(
                        queueID: Int32(index % 2), index: index, keys: ["order-\(index % 100)", "k\(index)"],
                        uniqueKey: "UNIQ\(index)"))
                ids.append(result.messages[0].offsetMessageID.description)
            }
            let byKey = try await store.queryMessages(topic: "TopicTest", key: "order-7", maxCount: 100)
            #expect(
                Set(byKey.map(StoreTestMessages.bodyText(of:)).map { $0.split(separator: "-")[2] })
                    == Set((0..<6).map { "\($0 * 100 + 7)" }))
            let single = try await store.queryMessages(topic: "TopicTest", key: "k321")
            #expect(single.count == 1 && single[0].keys.contains("k321"))
            let unique = try await store.queryMessages(topic: "TopicTest", uniqueKey: "UNIQ450")
            #expect(unique.map(\.uniqueKey) == ["UNIQ450"])
            #expect(try await store.queryMessages(topic: "OtherTopic", key: "order-7").isEmpty)
            #expect(try await store.queryMessages(topic: "TopicTest", key: "missing").isEmpty)
            let future = try await store.queryMessages(
                topic: "TopicTest", key: "k5", begin: Int64.max - 10_000, end: Int64.max)
            #expect(future.isEmpty)
            #expect(store.lookMessage(offsetMessageID: ids[123])?.uniqueKey == "UNIQ123")
            await store.shutdown()

            let reopened = try await MessageStore.open(configuration: configuration)
            #expect(try await reopened.queryMessages(topic: "TopicTest", uniqueKey: "UNIQ599").count == 1)
            await reopened.shutdown()
        }
    }

    @Test("Binary search by store timestamp finds the first message at or after a time")
    func timestampSearch() async throws {
        try await TemporaryDirectory.with { directory in
            let now = Mutex<Int64>(1_000_000)
            var configuration = testConfiguration(directory)
            configuration.clock = { now.withLock { $0 } }
            let store = try await MessageStore.open(configuration: configuration)
            for index in 0..<50 {
                now.withLock { $0 = 1_000_000 + Int64(index / 5) * 1000 }  // 5 messages per second
                _ = try await store.putMessage(StoreTestMessages.make(index: index))
            }
            #expect(store.offset(forTimestamp: 0, topic: "TopicTest", queueID: 0) == 0)
            #expect(store.offset(forTimestamp: 1_003_000, topic: "TopicTest", queueID: 0) == 15)
            #expect(store.offset(forTimestamp: 1_003_001, topic: "TopicTest", queueID: 0) == 20)
            #expect(store.offset(forTimestamp: 9_999_999, topic: "TopicTest", queueID: 0) == 50)
            #expect(store.storeTimestamp(topic: "TopicTest", queueID: 0, offset: 49) == 1_009_000)
            await store.shutdown()
        }
    }
}

import CometCore
import CometStore
import CometTestSupport
import Testing

@Suite("Retention", .timeLimit(.minutes(3)))
struct RetentionTests {
    @Test("Expired segments are deleted, min offsets move and old offsets report offset-moved")
    func deletesExpiredSegments() async throws {
        try await TemporaryDirectory.with { directory in
            var configuration = testConfiguration(directory)
            configuration.deleteWhenHours = []
            configuration.maxSegmentsDeletedPerPass = 100
            let store = try await MessageStore.open(configuration: configuration)
            for index in 0..<400 {
                _ = try await store.putMessage(
                    StoreTestMessages.make(queueID: Int32(index % 2), index: index, bodySize: 900))
            }
            let now = configuration.clock()
            // Not the right hour, no disk pressure, not expired: nothing happens.
            let idle = try await store.deleteExpiredFiles(now: now, force: false)
            #expect(idle.deletedSegments.isEmpty)
            let young = try await store.deleteExpiredFiles(now: now, force: true)
            #expect(young.deletedSegments.isEmpty)

            let later = now + 73 * 3600 * 1000
            let report = try await store.deleteExpiredFiles(now: later, force: true)
            #expect(!report.deletedSegments.isEmpty)
            #expect(store.commitLogMinOffset == report.commitLogMinOffset)
            #expect(store.commitLogMinOffset > 0)
            for queue in Int32(0)..<2 {
                let minOffset = store.minOffset(topic: "TopicTest", queueID: queue)
                #expect(minOffset > 0)
                let old = try await store.getMessages(topic: "TopicTest", queueID: queue, offset: 0, maxCount: 8)
                #expect(old.status == .offsetTooSmall)
                #expect(old.nextBeginOffset == minOffset)
                let rest = try await readAll(store, topic: "TopicTest", queueID: queue, from: minOffset)
                #expect(rest.first?.queueOffset == minOffset)
                #expect(rest.last?.queueOffset == 199)
                #expect(rest.allSatisfy { $0.physicalOffset >= store.commitLogMinOffset })
            }
            // Appends continue after retention, and a reopen sees the same min offsets.
            _ = try await store.putMessage(StoreTestMessages.make(index: 400))
            let minBefore = store.minOffset(topic: "TopicTest", queueID: 1)
            await store.shutdown()
            let reopened = try await MessageStore.open(configuration: configuration)
            #expect(reopened.minOffset(topic: "TopicTest", queueID: 1) == minBefore)
            #expect(reopened.maxOffset(topic: "TopicTest", queueID: 0) == 201)
            await reopened.shutdown()
        }
    }

    @Test("Slices read before deletion stay valid after their segment is deleted")
    func slicesOutliveDeletion() async throws {
        try await TemporaryDirectory.with { directory in
            let configuration = testConfiguration(directory)
            let store = try await MessageStore.open(configuration: configuration)
            for index in 0..<200 {
                _ = try await store.putMessage(StoreTestMessages.make(index: index, bodySize: 900))
            }
            let held = try await store.getMessages(topic: "TopicTest", queueID: 0, offset: 0, maxCount: 4)
            _ = try await store.deleteExpiredFiles(now: configuration.clock() + 100 * 3600 * 1000, force: true)
            #expect(try held.messages.map { try $0.decode().queueOffset } == [0, 1, 2, 3])
            await store.shutdown()
        }
    }
}

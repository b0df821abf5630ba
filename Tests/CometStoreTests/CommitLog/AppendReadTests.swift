import CometCore
import CometStore
import CometTestSupport
import NIOCore
import Synchronization
import Testing

@Suite("Append and read", .timeLimit(.minutes(3)))
struct AppendReadTests {
    @Test("Single and batch appends round-trip across many segment boundaries", arguments: [FlushMode.async, .sync])
    func roundTripAcrossSegments(flushMode: FlushMode) async throws {
        try await TemporaryDirectory.with { directory in
            let configuration = testConfiguration(directory, flushMode: flushMode)
            let store = try await MessageStore.open(configuration: configuration)
            var expected: [Int32: [String]] = [:]
            var index = 0
            // ~600 KiB of data over 64 KiB segments: > 9 segment rolls.
            for round in 0..<200 {
                let queue = Int32(round % 3)
                if round % 2 == 0 {
                    let message = StoreTestMessages.make(queueID: queue, index: index, bodySize: 1000 + round * 7)
                    let result = try await store.putMessage(message)
                    #expect(result.status == .putOK)
                    #expect(result.messages[0].queueOffset == Int64(expected[queue, default: []].count))
                    expected[queue, default: []].append(StoreTestMessages.bodyText(of: message))
                    index += 1
                } else {
                    let batch = (0..<5).map { offset in
                        StoreTestMessages.make(queueID: queue, index: index + offset, bodySize: 900)
                    }
                    let result = try await store.putMessages(batch)
                    let first = Int64(expected[queue, default: []].count)
                    #expect(result.messages.map(\.queueOffset) == Array(first..<first + 5))
                    expected[queue, default: []].append(contentsOf: batch.map(StoreTestMessages.bodyText(of:)))
                    index += 5
                }
            }
            #expect(store.commitLogMaxOffset > 9 * 64 * 1024)
            for (queue, bodies) in expected {
                let read = try await readAll(store, topic: "TopicTest", queueID: queue)
                #expect(read.map(StoreTestMessages.bodyText(of:)) == bodies)
                #expect(read.map(\.queueOffset) == (0..<Int64(bodies.count)).map { $0 })
                #expect(read.allSatisfy { $0.storeHost == configuration.storeHost })
                for message in read {
                    #expect(
                        store.lookMessage(commitLogOffset: message.physicalOffset)?.queueOffset == message.queueOffset)
                }
            }
            await store.shutdown()

            let reopened = try await MessageStore.open(configuration: configuration)
            #expect(reopened.recoveryReport.wasCleanShutdown)
            for (queue, bodies) in expected {
                let read = try await readAll(reopened, topic: "TopicTest", queueID: queue)
                #expect(read.map(StoreTestMessages.bodyText(of:)) == bodies)
            }
            let next = try await reopened.putMessage(StoreTestMessages.make(queueID: 0, index: 9999))
            #expect(next.messages[0].queueOffset == Int64(expected[0]!.count))
            await reopened.shutdown()
        }
    }

    @Test("Read statuses mirror upstream GetMessageStatus")
    func statuses() async throws {
        try await TemporaryDirectory.with { directory in
            let store = try await MessageStore.open(configuration: testConfiguration(directory))
            let unknown = try await store.getMessages(topic: "Nope", queueID: 0, offset: 0, maxCount: 10)
            #expect(unknown.status == .noMatchedLogicQueue)
            for index in 0..<10 {
                let tags = index % 2 == 0 ? "TagA" : "TagB"
                _ = try await store.putMessage(StoreTestMessages.make(index: index, tags: tags))
            }
            let found = try await store.getMessages(topic: "TopicTest", queueID: 0, offset: 2, maxCount: 3)
            #expect(found.status == .found)
            #expect(found.messages.map(\.queueOffset) == [2, 3, 4])
            #expect(found.nextBeginOffset == 5)
            #expect(found.minOffset == 0 && found.maxOffset == 10)
            let body = found.body()
            #expect(try StoredMessage.decodeAll(body, verifyCRC: true).count == 3)

            let filtered = try await store.getMessages(
                topic: "TopicTest", queueID: 0, offset: 0, maxCount: 10, tagsCodes: [TagHashCode.tagsCode("TagB")])
            #expect(filtered.messages.map(\.queueOffset) == [1, 3, 5, 7, 9])
            let noMatch = try await store.getMessages(
                topic: "TopicTest", queueID: 0, offset: 0, maxCount: 10, tagsCodes: [TagHashCode.tagsCode("TagC")])
            #expect(noMatch.status == .noMatchedMessage)
            #expect(noMatch.nextBeginOffset == 10)

            let one = try await store.getMessages(topic: "TopicTest", queueID: 0, offset: 10, maxCount: 10)
            #expect(one.status == .offsetOverflowOne && one.nextBeginOffset == 10)
            let badly = try await store.getMessages(topic: "TopicTest", queueID: 0, offset: 50, maxCount: 10)
            #expect(badly.status == .offsetOverflowBadly && badly.nextBeginOffset == 10)
            let bytes = try await store.getMessages(
                topic: "TopicTest", queueID: 0, offset: 0, maxCount: 10, maxBytes: 1)
            #expect(bytes.messages.count == 1)
            await store.shutdown()
        }
    }

    @Test("Bad input is refused with clear errors and the store keeps working")
    func badInput() async throws {
        try await TemporaryDirectory.with { directory in
            let store = try await MessageStore.open(configuration: testConfiguration(directory))
            await #expect(throws: StoreError(.messageTooLarge)) {
                try await store.putMessage(StoreTestMessages.make(index: 0, bodySize: 20_000))
            }
            await #expect(throws: StoreError(.invalidTopic)) {
                try await store.putMessage(StoreTestMessages.make(topic: "bad topic!", index: 0))
            }
            await #expect(throws: StoreError(.invalidTopic)) {
                try await store.putMessage(StoreTestMessages.make(topic: String(repeating: "t", count: 128), index: 0))
            }
            var props = StoreTestMessages.make(index: 0)
            props.properties["big"] = String(repeating: "p", count: 40_000)
            await #expect(throws: StoreError(.propertiesTooLarge)) { try await store.putMessage(props) }
            let ok = try await store.putMessage(StoreTestMessages.make(topic: "%RETRY%group|x_y-z", index: 0))
            #expect(ok.status == .putOK)
            await store.shutdown()
            await #expect(throws: StoreError(.notRunning)) {
                try await store.putMessage(StoreTestMessages.make(index: 1))
            }
        }
    }

    @Test("A full disk refuses appends but still serves reads")
    func diskFull() async throws {
        try await TemporaryDirectory.with { directory in
            let usage = Mutex(0.5)
            var configuration = testConfiguration(directory)
            configuration.diskUsage = { _ in usage.withLock { $0 } }
            let store = try await MessageStore.open(configuration: configuration)
            _ = try await store.putMessage(StoreTestMessages.make(index: 0))
            usage.withLock { $0 = 0.95 }
            store.checkDiskSpace()
            #expect(store.isDiskFull)
            await #expect(throws: StoreError(.diskFull)) {
                try await store.putMessage(StoreTestMessages.make(index: 1))
            }
            let read = try await store.getMessages(topic: "TopicTest", queueID: 0, offset: 0, maxCount: 10)
            #expect(read.status == .found && read.messages.count == 1)
            usage.withLock { $0 = 0.5 }
            store.checkDiskSpace()
            _ = try await store.putMessage(StoreTestMessages.make(index: 1))
            await store.shutdown()
        }
    }

    @Test("Concurrent sync-flush appenders share flushes and all land in order per queue")
    func concurrentSyncAppends() async throws {
        try await TemporaryDirectory.with { directory in
            let arrivals = Mutex(0)
            let store = try await MessageStore.open(
                configuration: testConfiguration(directory, flushMode: .sync),
                onMessageArrived: { _ in arrivals.withLock { $0 += 1 } })
            try await withThrowingTaskGroup(of: Void.self) { group in
                for worker in 0..<16 {
                    group.addTask {
                        for index in 0..<20 {
                            _ = try await store.putMessage(
                                StoreTestMessages.make(queueID: Int32(worker % 4), index: worker * 100 + index))
                        }
                    }
                }
                try await group.waitForAll()
            }
            var total = 0
            for queue in Int32(0)..<4 {
                let read = try await readAll(store, topic: "TopicTest", queueID: queue)
                #expect(read.map(\.queueOffset) == (0..<Int64(read.count)).map { $0 })
                total += read.count
            }
            #expect(total == 320)
            #expect(arrivals.withLock { $0 } > 0)
            await store.shutdown()
        }
    }
}

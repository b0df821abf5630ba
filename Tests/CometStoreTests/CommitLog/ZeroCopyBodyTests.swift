import CometCore
import CometStore
import CometTestSupport
import NIOCore
import Testing

@Suite("Zero-copy pull bodies", .timeLimit(.minutes(3)))
struct ZeroCopyBodyTests {
    /// Queue 0 gets a batch of 12 records back to back (one run over 8 KiB), then records of
    /// queues 0 and 1 alternate (runs of one record each).
    private func fill(_ store: MessageStore) async throws {
        let batch = (0..<12).map { StoreTestMessages.make(queueID: 0, index: $0, bodySize: 900) }
        #expect(try await store.putMessages(batch).status == .putOK)
        for index in 12..<24 {
            for queue: Int32 in [0, 1] {
                let message = StoreTestMessages.make(queueID: queue, index: index, bodySize: 500)
                #expect(try await store.putMessage(message).status == .putOK)
            }
        }
    }

    private static func concatenated(_ parts: [ByteBuffer]) -> ByteBuffer {
        var whole = ByteBuffer()
        for var part in parts { whole.writeBuffer(&part) }
        return whole
    }

    @Test("Body parts hold the copied body's bytes; back-to-back runs are views, scattered records one copy")
    func partsMatchCopy() async throws {
        try await TemporaryDirectory.with { directory in
            var configuration = testConfiguration(directory)
            configuration.commitLogSegmentSize = 1 << 20
            let store = try await MessageStore.open(configuration: configuration)
            try await fill(store)
            let result = store.getMessagesNow(topic: "TopicTest", queueID: 0, offset: 0, maxCount: 32)
            #expect(result.messages.count == 24)
            let parts = result.bodyParts()
            // The batch and the queue-0 record right after it form one viewed run; the 11 scattered
            // records after that share one copy.
            #expect(parts.count == 2)
            #expect(MappedBuffers.pinCount(of: parts[0]) == 1)
            #expect(MappedBuffers.pinCount(of: parts[1]) == 0)
            #expect(parts[0].readableBytes == result.messages[0..<13].reduce(0) { $0 + $1.size })
            #expect(Self.concatenated(parts) == result.body())

            // Scattered records only: one copied buffer, as before.
            let tail = store.getMessagesNow(topic: "TopicTest", queueID: 1, offset: 0, maxCount: 32)
            let tailParts = tail.bodyParts()
            #expect(tailParts.count == 1 && MappedBuffers.pinCount(of: tailParts[0]) == 0)
            #expect(tailParts.first == tail.body())
            await store.shutdown()
        }
    }

    @Test("A viewed body keeps its segment mapped after the store is gone, and releases it when dropped")
    func viewOutlivesStore() async throws {
        try await TemporaryDirectory.with { directory in
            let store = try await MessageStore.open(configuration: testConfiguration(directory))
            try await fill(store)
            let result = store.getMessagesNow(topic: "TopicTest", queueID: 0, offset: 0, maxCount: 12)
            let expected = result.body()
            var parts: [ByteBuffer]? = result.bodyParts(zeroCopyMinimum: 1)
            let view = try #require(parts?.first)
            let address = view.withUnsafeReadableBytes { UInt(bitPattern: $0.baseAddress) }
            #expect(MappedBuffers.pinCount(atAddress: address) == 1)
            await store.shutdown()
            _ = consume store
            _ = consume result
            _ = consume view
            // Only the views reference the segment now.
            #expect(Self.concatenated(parts ?? []) == expected)
            parts = nil
            #expect(MappedBuffers.pinCount(atAddress: address) == 0)
        }
    }

    @Test("Writing to a viewed buffer moves it to the heap; the log is never written")
    func writeMovesToHeap() async throws {
        try await TemporaryDirectory.with { directory in
            let store = try await MessageStore.open(configuration: testConfiguration(directory))
            try await fill(store)
            let result = store.getMessagesNow(topic: "TopicTest", queueID: 0, offset: 0, maxCount: 12)
            let expected = result.body()
            var parts = result.bodyParts(zeroCopyMinimum: 1)
            #expect(parts.count == 1)
            var view = parts.removeLast()
            #expect(MappedBuffers.pinCount(of: view) == 1)
            // Unique storage: a write grows it in place, which must not touch the mapping.
            view.writeString("appended")
            view.setInteger(UInt8(0xFF), at: 0)
            #expect(MappedBuffers.pinCount(of: view) == 0)
            #expect(view.readableBytes == expected.readableBytes + 8)
            let reread = store.getMessagesNow(topic: "TopicTest", queueID: 0, offset: 0, maxCount: 12)
            #expect(reread.body() == expected)
            #expect(try reread.messages.map { try $0.decode().queueOffset } == Array(0..<12))
            await store.shutdown()
        }
    }
}

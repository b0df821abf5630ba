import CometCore
import CometStore
import CometTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("Chunked preallocation")
struct PreallocationTests {
    private static let chunk = 8 * 1024

    private func chunkedConfiguration(_ directory: TemporaryDirectory) -> MessageStoreConfiguration {
        var configuration = testConfiguration(directory)
        configuration.commitLogSegmentSize = 64 * 1024
        configuration.preallocationChunkSize = Self.chunk
        configuration.indexMaxEntries = 5_000
        return configuration
    }

    /// (size, bytes reserved on disk) of a file, or nil if it does not exist.
    private func fileSize(_ path: String) -> (size: Int, reserved: Int)? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return (Int(info.st_size), Int(info.st_blocks) * 512)
    }

    private func files(in directory: String) -> [String] {
        guard let handle = opendir(directory) else { return [] }
        defer { closedir(handle) }
        var names: [String] = []
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) {
                String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(directory + "/" + name) }
        }
        return names.sorted()
    }

    @Test("A segment is reserved a chunk at a time, never behind the write position")
    func segmentGrowsInChunks() async throws {
        try await TemporaryDirectory.with { directory in
            let configuration = chunkedConfiguration(directory)
            let store = try await MessageStore.open(configuration: configuration)
            let first = configuration.rootDirectory + "/commitlog/00000000000000000000"
            _ = try await store.putMessage(StoreTestMessages.make(index: 0, bodySize: 500))
            let initial = try #require(fileSize(first))
            #expect(initial.size == Self.chunk)
            #expect(initial.reserved >= initial.size)
            for index in 1..<40 {
                _ = try await store.putMessage(StoreTestMessages.make(index: index, bodySize: 700))
                let current = try #require(fileSize(first))
                // The writer never touches bytes past the file end, and reserves at most a
                // chunk (plus one the allocator may add ahead) beyond what it wrote.
                #expect(Int64(current.size) >= store.commitLogMaxOffset)
                #expect(Int64(current.size) <= store.commitLogMaxOffset + Int64(2 * Self.chunk + 8))
                #expect(current.size % Self.chunk == 0)
                #expect(current.reserved >= current.size)
            }
            await store.shutdown()
        }
    }

    @Test("After a crash, chunk-reserved segments recover every record and take new ones")
    func crashWithChunkedSegments() async throws {
        try await TemporaryDirectory.with { directory in
            let configuration = chunkedConfiguration(directory)
            let store = try await MessageStore.open(configuration: configuration)
            var offsets: [Int64] = []
            for index in 0..<300 {
                let result = try await store.putMessage(
                    StoreTestMessages.make(queueID: Int32(index % 2), index: index, bodySize: 600 + index % 50))
                offsets.append(result.messages[0].physicalOffset)
            }
            let end = store.commitLogMaxOffset
            #expect(end > 3 * 64 * 1024)
            await store.closeWithoutCleanShutdownForTesting()
            let segments = files(in: configuration.rootDirectory + "/commitlog")
            #expect(segments.count >= 4)

            let reopened = try await MessageStore.open(configuration: configuration)
            #expect(!reopened.recoveryReport.wasCleanShutdown)
            #expect(reopened.recoveryReport.commitLogEnd == end)
            #expect(reopened.recoveryReport.invalidRecord == nil)
            let read =
                try await readAll(reopened, topic: "TopicTest", queueID: 0)
                + readAll(reopened, topic: "TopicTest", queueID: 1)
            #expect(read.map(\.physicalOffset).sorted() == offsets)
            let next = try await reopened.putMessage(StoreTestMessages.make(queueID: 0, index: 1000, bodySize: 4000))
            #expect(next.messages[0].physicalOffset >= end)
            await reopened.shutdown()
        }
    }

    @Test("An index file reserves its slots whole and its entries in chunks")
    func indexGrowsInChunks() async throws {
        try await TemporaryDirectory.with { directory in
            let configuration = chunkedConfiguration(directory)
            let store = try await MessageStore.open(configuration: configuration)
            _ = try await store.putMessage(StoreTestMessages.make(index: 0, keys: ["k-0"]))
            let indexFile = try #require(files(in: configuration.rootDirectory + "/index").first)
            let header = 48 + configuration.indexHashSlots * 4
            let initial = try #require(fileSize(indexFile))
            #expect(initial.size == header + Self.chunk)
            for index in 1..<1_500 {
                _ = try await store.putMessage(StoreTestMessages.make(index: index, keys: ["k-\(index)"]))
            }
            let grown = try #require(fileSize(indexFile))
            #expect(grown.size >= header + 1_500 * 20)
            #expect(grown.size < header + 5_000 * 20)
            #expect(grown.reserved >= grown.size)
            let found = try await store.queryMessages(topic: "TopicTest", key: "k-1499")
            #expect(found.map(StoreTestMessages.bodyText(of:)).count == 1)
            await store.shutdown()
        }
    }
}

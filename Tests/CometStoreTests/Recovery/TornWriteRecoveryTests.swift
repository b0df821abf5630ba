import CometCore
import CometStore
import CometTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("Torn-write and corruption recovery", .timeLimit(.minutes(3)))
struct TornWriteRecoveryTests {
    /// Appends messages to three queues, then stops as if crashed. Returns the appended records.
    private func populate(_ configuration: MessageStoreConfiguration) async throws -> [(queue: Int32, AppendedMessage)]
    {
        let store = try await MessageStore.open(configuration: configuration)
        var appended: [(Int32, AppendedMessage)] = []
        for index in 0..<260 {
            let queue = Int32(index % 3)
            let result = try await store.putMessage(
                StoreTestMessages.make(queueID: queue, index: index, bodySize: 700, keys: ["key-\(index)"]))
            appended.append((queue, result.messages[0]))
        }
        await store.closeWithoutCleanShutdownForTesting()
        return appended
    }

    private func segmentPath(_ configuration: MessageStoreConfiguration, containing offset: Int64) -> String {
        let size = Int64(configuration.commitLogSegmentSize)
        let start = String(offset / size * size)
        return configuration.rootDirectory + "/commitlog/" + String(repeating: "0", count: 20 - start.count) + start
    }

    private func expectRecovered(
        _ configuration: MessageStoreConfiguration, appended: [(queue: Int32, AppendedMessage)], validEnd: Int64
    ) async throws -> RecoveryReport {
        let store = try await MessageStore.open(configuration: configuration)
        let report = store.recoveryReport
        #expect(!report.wasCleanShutdown)
        let survivors = appended.filter { $0.1.physicalOffset + Int64($0.1.size) <= validEnd }
        var expectedEnd = survivors.last.map { $0.1.physicalOffset + Int64($0.1.size) } ?? 0
        // When the first lost record opened a new segment, the blank before it is still valid.
        if let lost = appended.first(where: { $0.1.physicalOffset + Int64($0.1.size) > validEnd }),
            lost.1.physicalOffset % Int64(configuration.commitLogSegmentSize) == 0, lost.1.physicalOffset <= validEnd
        {
            expectedEnd = lost.1.physicalOffset
        }
        #expect(report.commitLogEnd == expectedEnd)
        for queue in Int32(0)..<3 {
            let expected = survivors.filter { $0.queue == queue }.map(\.1.physicalOffset)
            #expect(store.maxOffset(topic: "TopicTest", queueID: queue) == Int64(expected.count))
            let read = try await readAll(store, topic: "TopicTest", queueID: queue)
            #expect(read.map(\.physicalOffset) == expected)
        }
        // The log continues cleanly after the cut.
        let next = try await store.putMessage(StoreTestMessages.make(queueID: 0, index: 10_000))
        #expect(next.messages[0].physicalOffset >= report.commitLogEnd)
        await store.shutdown()
        return report
    }

    @Test(
        "Truncating the newest segment at arbitrary offsets keeps exactly the whole records before the cut",
        arguments: [0.0, 0.13, 0.5, 0.77, 0.999, -1])
    func truncatedSegment(fraction: Double) async throws {
        try await TemporaryDirectory.with { directory in
            let configuration = testConfiguration(directory)
            let appended = try await populate(configuration)
            let end = appended.last!.1.physicalOffset + Int64(appended.last!.1.size)
            let lastStart =
                (end - 1) / Int64(configuration.commitLogSegmentSize) * Int64(configuration.commitLogSegmentSize)
            let used = Double(end - lastStart)
            let cutInSegment = fraction < 0 ? Int64.random(in: 0..<Int64(used)) : Int64(used * fraction)
            #expect(truncate(segmentPath(configuration, containing: lastStart), off_t(cutInSegment)) == 0)
            let report = try await expectRecovered(
                configuration, appended: appended, validEnd: lastStart + cutInSegment)
            let cutAtBoundary = appended.contains { $0.1.physicalOffset == lastStart + cutInSegment }
            if !cutAtBoundary && cutInSegment > 0 { #expect(report.invalidRecord != nil) }
        }
    }

    @Test(
        "A flipped byte in a record truncates the log just before that record",
        arguments: [8, 30, 120, 400])
    func flippedByte(positionInRecord: Int) async throws {
        try await TemporaryDirectory.with { directory in
            let configuration = testConfiguration(directory)
            let appended = try await populate(configuration)
            let victim = appended[appended.count - 20].1
            let path = segmentPath(configuration, containing: victim.physicalOffset)
            let fd = open(path, O_RDWR)
            #expect(fd >= 0)
            let position =
                off_t(victim.physicalOffset % Int64(configuration.commitLogSegmentSize)) + off_t(positionInRecord)
            var byte: UInt8 = 0
            #expect(pread(fd, &byte, 1, position) == 1)
            byte ^= 0xFF
            #expect(pwrite(fd, &byte, 1, position) == 1)
            close(fd)
            let report = try await expectRecovered(configuration, appended: appended, validEnd: victim.physicalOffset)
            #expect(report.invalidRecord != nil)
        }
    }
}

import CometCore
import CometStore
import CometTestSupport
import Testing

/// Copies `master`'s log into `replica` the way a slave's HA client does: frames of at most
/// `frameSize` bytes, a cut record carried over to the next frame. Returns the frames used.
@discardableResult
private func copy(
    from master: MessageStore, to replica: MessageStore, frameSize: Int, start: Int64? = nil
) async throws -> Int {
    var offset = start ?? master.replicationStart(forReported: replica.commitLogMaxOffset)
    var pending: [UInt8] = []
    var frames = 0
    while let chunk = try await master.replicationChunk(from: offset, maxBytes: frameSize) {
        frames += 1
        #expect(chunk.count <= frameSize)
        let start = offset - Int64(pending.count)
        pending += chunk
        let used = try pending.withUnsafeBytes { try replica.appendReplicated($0, at: start) }
        pending.removeFirst(used)
        offset += Int64(chunk.count)
    }
    #expect(pending.isEmpty)
    return frames
}

@Suite("Replication (slave side of the store)", .timeLimit(.minutes(3)))
struct ReplicationTests {
    @Test("A replica built from frames cut anywhere holds the master's records at the master's offsets")
    func copiesAcrossSegmentsAndCutRecords() async throws {
        try await TemporaryDirectory.with { masterDirectory in
            try await TemporaryDirectory.with { replicaDirectory in
                let master = try await MessageStore.open(configuration: testConfiguration(masterDirectory))
                let replica = try await MessageStore.open(configuration: testConfiguration(replicaDirectory))
                replica.isReplica = true
                for index in 0..<300 {
                    _ = try await master.putMessage(
                        StoreTestMessages.make(queueID: Int32(index % 3), index: index, bodySize: 700))
                }
                #expect(master.commitLogMaxOffset > 3 * 64 * 1024, "several segments, so blanks are copied too")
                try await copy(from: master, to: replica, frameSize: 1000, start: 0)
                #expect(replica.commitLogMaxOffset == master.commitLogMaxOffset)
                for queue in Int32(0)..<3 {
                    let expected = try await readAll(master, topic: "TopicTest", queueID: queue)
                    let copied = try await readAll(replica, topic: "TopicTest", queueID: queue)
                    #expect(copied == expected)
                }
                await #expect(throws: StoreError(.replicaRole)) {
                    try await replica.putMessage(StoreTestMessages.make(index: 999))
                }
                // A frame for any other offset than the replica's end is refused, nothing written.
                let end = replica.commitLogMaxOffset
                #expect(throws: StoreError(.invalidMessage)) {
                    try [UInt8](repeating: 1, count: 64).withUnsafeBytes {
                        try replica.appendReplicated($0, at: end + 8)
                    }
                }
                #expect(replica.commitLogMaxOffset == end)
                // After a restart the copy resumes at the replica's end and only the new records come.
                await replica.shutdown()
                let reopened = try await MessageStore.open(configuration: testConfiguration(replicaDirectory))
                reopened.isReplica = true
                #expect(reopened.commitLogMaxOffset == end)
                for index in 300..<320 {
                    _ = try await master.putMessage(StoreTestMessages.make(queueID: 0, index: index, bodySize: 700))
                }
                let frames = try await copy(from: master, to: reopened, frameSize: 32 * 1024)
                #expect(frames <= 2)
                #expect(
                    try await readAll(reopened, topic: "TopicTest", queueID: 0)
                        == readAll(master, topic: "TopicTest", queueID: 0))
                await reopened.shutdown()
                await master.shutdown()
            }
        }
    }

    @Test("A brand-new replica starts at the master's newest segment")
    func newReplicaStartsAtNewestSegment() async throws {
        try await TemporaryDirectory.with { masterDirectory in
            try await TemporaryDirectory.with { replicaDirectory in
                let master = try await MessageStore.open(configuration: testConfiguration(masterDirectory))
                for index in 0..<200 {
                    _ = try await master.putMessage(StoreTestMessages.make(index: index, bodySize: 900))
                }
                let segment = Int64(64 * 1024)
                let newest = master.commitLogMaxOffset - master.commitLogMaxOffset % segment
                #expect(newest > 0)
                #expect(master.replicationStart(forReported: 0) == newest)
                let replica = try await MessageStore.open(configuration: testConfiguration(replicaDirectory))
                try await copy(from: master, to: replica, frameSize: 4096)
                #expect(replica.commitLogMinOffset == newest)
                #expect(replica.commitLogMaxOffset == master.commitLogMaxOffset)
                let last = try await readAll(master, topic: "TopicTest", queueID: 0).last
                let copied = try await readAll(
                    replica, topic: "TopicTest", queueID: 0, from: replica.minOffset(topic: "TopicTest", queueID: 0))
                #expect(copied.last == last)
                await replica.shutdown()
                await master.shutdown()
            }
        }
    }
}

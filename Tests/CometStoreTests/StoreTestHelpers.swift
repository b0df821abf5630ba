import CometCore
import CometStore
import CometTestSupport
import NIOCore

/// A small-segment configuration for tests.
func testConfiguration(_ directory: TemporaryDirectory, flushMode: FlushMode = .async) -> MessageStoreConfiguration {
    var configuration = MessageStoreConfiguration(rootDirectory: directory.path + "/store")
    configuration.commitLogSegmentSize = 64 * 1024
    configuration.consumeQueueEntriesPerSegment = 100
    configuration.maxMessageSize = 16 * 1024
    configuration.indexHashSlots = 101
    configuration.indexMaxEntries = 500
    configuration.flushMode = flushMode
    configuration.storeHost = MessageHost(address: [10, 0, 0, 7], port: 10911)
    configuration.asyncFlushInterval = .milliseconds(50)
    configuration.consumeQueueFlushInterval = .milliseconds(100)
    return configuration
}

/// Reads a whole queue from `from` using repeated pulls; returns decoded messages.
func readAll(_ store: MessageStore, topic: String, queueID: Int32, from: Int64 = 0) async throws -> [StoredMessage] {
    var offset = from
    var messages: [StoredMessage] = []
    while true {
        let result = try await store.getMessages(topic: topic, queueID: queueID, offset: offset, maxCount: 32)
        guard result.status == .found else { break }
        for slice in result.messages { messages.append(try slice.decode()) }
        offset = result.nextBeginOffset
    }
    return messages
}

import ArgumentParser
import CometCore
import CometStore
import NIOCore

#if canImport(Glibc)
import Glibc
#endif

/// Child process for the store's SIGKILL crash-recovery test: opens a store with sync
/// flush and appends until killed, printing `ACK <queueId> <queueOffset> <physicalOffset>` (stdout
/// flushed) after each append the store reported durable.
struct StoreAppendChildCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store-append-child", abstract: "Append to a store with sync flush until killed.")

    @Option(help: "Store root directory.")
    var data: String

    @Option(help: "Commit-log segment size in bytes.")
    var segmentSize: Int = 64 * 1024

    @Option(help: "Body size of each message in bytes.")
    var bodySize: Int = 300

    @Option(help: "Number of queues to spread messages over.")
    var queues: Int = 4

    @Option(help: "Concurrent appenders.")
    var appenders: Int = 4

    @Option(help: "Topic to append to.")
    var topic: String = "CrashTopic"

    func run() async throws {
        var configuration = MessageStoreConfiguration(rootDirectory: data)
        configuration.commitLogSegmentSize = segmentSize
        configuration.consumeQueueEntriesPerSegment = 1000
        configuration.maxMessageSize = min(4 * 1024 * 1024, segmentSize - 8)
        configuration.indexHashSlots = 1000
        configuration.indexMaxEntries = 10_000
        configuration.flushMode = .sync
        configuration.consumeQueueFlushInterval = .milliseconds(50)
        let store = try await MessageStore.open(configuration: configuration)
        Self.emit("READY")
        let topic = self.topic
        let bodySize = self.bodySize
        let queues = max(1, self.queues)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<max(1, appenders) {
                group.addTask {
                    var index = 0
                    while true {
                        let queueID = Int32((worker + index) % queues)
                        var body = ByteBufferAllocator().buffer(capacity: bodySize)
                        body.writeString("w\(worker)-\(index)-")
                        body.writeRepeatingByte(UInt8(ascii: "x"), count: max(0, bodySize - body.readableBytes))
                        let message = StoredMessage(
                            topic: topic, queueID: queueID, body: body,
                            properties: [MessagePropertyKey.keys: "w\(worker)-\(index)"])
                        let result = try await store.putMessage(message)
                        let appended = result.messages[0]
                        Self.emit("ACK \(queueID) \(appended.queueOffset) \(appended.physicalOffset)")
                        index += 1
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    private static func emit(_ line: String) {
        // One write(2) per line so a kill can never leave a partial line followed by another.
        let bytes = Array((line + "\n").utf8)
        _ = bytes.withUnsafeBytes { write(STDOUT_FILENO, $0.baseAddress, $0.count) }
    }
}

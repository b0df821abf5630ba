import Synchronization

/// Identifies one consume queue.
struct QueueKey: Hashable, Sendable {
    var topic: String
    var queueID: Int32
}

/// All consume queues of the store, by (topic, queue id).
final class ConsumeQueueTable: @unchecked Sendable {
    let rootDirectory: String
    let entriesPerSegment: Int
    private let queues = Mutex<[QueueKey: ConsumeQueue]>([:])

    init(rootDirectory: String, entriesPerSegment: Int) {
        self.rootDirectory = rootDirectory
        self.entriesPerSegment = entriesPerSegment
    }

    /// Loads every `<root>/<topic>/<queueId>/` directory.
    func load() throws(StoreError) {
        try StoreFiles.createDirectory(rootDirectory)
        var loaded: [QueueKey: ConsumeQueue] = [:]
        for topic in StoreFiles.list(rootDirectory) {
            for queueName in StoreFiles.list(rootDirectory + "/" + topic) {
                guard let queueID = Int32(queueName) else { continue }
                let queue = ConsumeQueue(
                    topic: topic, queueID: queueID, rootDirectory: rootDirectory, entriesPerSegment: entriesPerSegment)
                try queue.load()
                loaded[QueueKey(topic: topic, queueID: queueID)] = queue
            }
        }
        queues.withLock { $0 = loaded }
    }

    /// The queue if it exists.
    func find(_ topic: String, _ queueID: Int32) -> ConsumeQueue? {
        queues.withLock { $0[QueueKey(topic: topic, queueID: queueID)] }
    }

    /// The queue, created (empty, no files yet) if missing.
    func findOrCreate(_ key: QueueKey) -> ConsumeQueue {
        queues.withLock { table in
            if let queue = table[key] { return queue }
            let queue = ConsumeQueue(
                topic: key.topic, queueID: key.queueID, rootDirectory: rootDirectory,
                entriesPerSegment: entriesPerSegment)
            table[key] = queue
            return queue
        }
    }

    /// Forgets a queue (the caller destroys it).
    func remove(_ key: QueueKey) -> ConsumeQueue? {
        queues.withLock { $0.removeValue(forKey: key) }
    }

    /// A snapshot of all queues.
    var all: [ConsumeQueue] { queues.withLock { Array($0.values) } }
}

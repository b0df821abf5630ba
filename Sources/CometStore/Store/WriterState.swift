import Synchronization

/// State owned by the writer thread (and by recovery before the writer starts).
final class WriterState: @unchecked Sendable {
    /// Next queue offset per queue (upstream `topicQueueTable`).
    var queueOffsets: [QueueKey: Int64] = [:]
    /// Consume queues touched so far, cached to skip the table lock.
    var queues: [QueueKey: ConsumeQueue] = [:]
    /// Last store timestamp handed out (timestamps never go backwards in the log).
    var lastStoreTimestamp: Int64 = 0
    /// Commit-log offset below which every record has been dispatched (read by the flusher).
    let dispatchedOffset = Atomic<Int64>(0)
}

import Synchronization

/// State of the appending side, guarded by the store's append lock (and owned by recovery
/// before appends start).
final class WriterState: @unchecked Sendable {
    /// Next queue offset per queue (upstream `topicQueueTable`).
    var queueOffsets: [QueueKey: Int64] = [:]
    /// Consume queues touched so far, cached to skip the table lock.
    var queues: [QueueKey: ConsumeQueue] = [:]
    /// Last store timestamp handed out (timestamps never go backwards in the log).
    var lastStoreTimestamp: Int64 = 0
    /// Told the new commit-log end after each append (a master's HA connections wait on it).
    var appendObserver: (@Sendable (Int64) -> Void)?
    /// Set on a slave: client appends are refused, only replicated bytes are written.
    var isReplica = false
    /// Set at shutdown: later appends are refused.
    var closed = false
    /// Commit-log offset below which every record has been dispatched (read by the flusher).
    let dispatchedOffset = Atomic<Int64>(0)
}

/// The outcome of a successful send.
public struct SendResult: Sendable, Hashable {
    /// How the broker stored it.
    public enum Status: Sendable, Hashable {
        /// Stored (and flushed, for a sync-flush broker).
        case ok
        /// Stored, but the sync flush took longer than the broker's limit.
        case flushDiskTimeout
        /// Stored on the master; a sync slave did not confirm in time.
        case flushSlaveTimeout
        /// Stored on the master; no slave was available.
        case slaveNotAvailable
    }

    /// How the broker stored it.
    public var status: Status
    /// The client-generated unique id (`UNIQ_KEY`); comma-separated for batches.
    public var messageId: String
    /// The broker-generated offset id(s).
    public var offsetMessageId: String
    /// Where it went.
    public var queue: MessageQueue
    /// Its offset in the queue (the first one for batches).
    public var queueOffset: Int64
}

package import CometCore

/// Outcome of a successful append (refusals are thrown as ``StoreError``).
package enum PutMessageStatus: Sendable, Hashable {
    /// Stored (and, in sync mode, flushed).
    case putOK
    /// Stored, but the sync flush took longer than `syncFlushTimeout` (→ FLUSH_DISK_TIMEOUT 10).
    case flushDiskTimeout
}

/// Where one appended record landed.
package struct AppendedMessage: Sendable, Hashable {
    /// Commit-log offset (PHYSICALOFFSET).
    package var physicalOffset: Int64
    /// Record size in bytes.
    package var size: Int
    /// Queue offset (0 for PREPARED/ROLLBACK records, which get no consume-queue entry).
    package var queueOffset: Int64
    /// STORETIMESTAMP written into the record.
    package var storeTimestamp: Int64
    /// The offset message id (message-format.md §6.1) of the record.
    package var offsetMessageID: OffsetMessageID
}

/// Result of ``MessageStore/putMessage(_:)`` / ``MessageStore/putMessages(_:)``.
package struct PutMessageResult: Sendable, Hashable {
    /// Overall status.
    package var status: PutMessageStatus
    /// One element per message, in order; batch queue offsets are consecutive.
    package var messages: [AppendedMessage]

    /// Comma-separated offset ids, as the broker answers for a batch.
    package var messageIDs: String { messages.map(\.offsetMessageID.description).joined(separator: ",") }
}

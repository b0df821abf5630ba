/// One 20-byte consume-queue unit: commit-log offset int64 ‖ size int32 ‖ tags code int64.
package struct ConsumeQueueEntry: Sendable, Hashable {
    /// Size of a unit on disk.
    package static let size = 20
    /// Commit-log offset of the record.
    package var commitLogOffset: Int64
    /// Record size in bytes (0 marks a hole / unwritten unit).
    package var messageSize: Int32
    /// Tags hash code (message-format.md §7).
    package var tagsCode: Int64

    /// Creates an entry.
    package init(commitLogOffset: Int64, messageSize: Int32, tagsCode: Int64) {
        self.commitLogOffset = commitLogOffset
        self.messageSize = messageSize
        self.tagsCode = tagsCode
    }
}

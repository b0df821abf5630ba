package import NIOCore

/// Result of ``MessageStore/getMessages(topic:queueID:offset:maxCount:maxBytes:tagsCodes:)``.
package struct GetMessageResult: Sendable {
    /// Status (see ``GetMessageStatus``).
    package var status: GetMessageStatus
    /// Offset the consumer should pull from next.
    package var nextBeginOffset: Int64
    /// Consume-queue min offset at the time of the read.
    package var minOffset: Int64
    /// Consume-queue max offset (next offset to be written) at the time of the read.
    package var maxOffset: Int64
    /// The records found, in queue order.
    package var messages: [StoredMessageSlice]
    /// True when the data read lies far behind the log end (likely not in page cache); the
    /// broker may suggest pulling from a slave (upstream `suggestPullingFromSlave`).
    package var suggestPullingFromSlave: Bool

    /// Total bytes of ``messages``.
    package var totalSize: Int { messages.reduce(0) { $0 + $1.size } }

    /// The pull response body: all records concatenated as stored.
    package func body(allocator: ByteBufferAllocator = ByteBufferAllocator()) -> ByteBuffer {
        var buffer = allocator.buffer(capacity: totalSize)
        for message in messages { message.write(into: &buffer) }
        return buffer
    }
}

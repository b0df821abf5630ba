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

    /// Runs of adjacent records shorter than this are copied rather than viewed: a view costs a
    /// buffer object and a pin, more than copying a few KiB.
    package static let zeroCopyMinimum = 8192

    /// The pull response body: all records concatenated as stored, copied into one buffer.
    package func body(allocator: ByteBufferAllocator = ByteBufferAllocator()) -> ByteBuffer {
        var buffer = allocator.buffer(capacity: totalSize)
        for message in messages { message.write(into: &buffer) }
        return buffer
    }

    /// The pull response body as buffers to send in order, without copying the records where it
    /// pays: each run of records that lie back to back in the log (a batch, or a queue that had
    /// the log to itself) of at least `zeroCopyMinimum` bytes is a view of the mapped segment
    /// (``MappedBuffers``); shorter runs are copied into one shared buffer (whose slices are the
    /// remaining parts). Pages of viewed runs are touched here, so a read from disk happens on
    /// the calling thread rather than in the event loop's socket write. Empty without records.
    package func bodyParts(
        allocator: ByteBufferAllocator = ByteBufferAllocator(), zeroCopyMinimum: Int = Self.zeroCopyMinimum
    ) -> [ByteBuffer] {
        guard !messages.isEmpty else { return [] }
        var runs: [(segment: MappedFile, range: Range<Int>)] = []
        runs.reserveCapacity(messages.count)
        for message in messages {
            let range = message.position..<message.position + message.size
            if let last = runs.last, last.segment === message.segment, last.range.upperBound == range.lowerBound {
                runs[runs.count - 1].range = last.range.lowerBound..<range.upperBound
            } else {
                runs.append((message.segment, range))
            }
        }
        let copied = runs.reduce(0) { $1.range.count < zeroCopyMinimum ? $0 + $1.range.count : $0 }
        var scratch = allocator.buffer(capacity: copied)
        var parts: [ByteBuffer] = []
        parts.reserveCapacity(runs.count)
        for run in runs {
            if run.range.count < zeroCopyMinimum {
                scratch.writeBytes(run.segment.view(run.range))
                continue
            }
            if scratch.readableBytes > 0, let slice = scratch.readSlice(length: scratch.readableBytes) {
                parts.append(slice)
            }
            MappedBuffers.prefault(run.segment, run.range)
            parts.append(MappedBuffers.view(of: run.segment, range: run.range))
        }
        if scratch.readableBytes > 0, let slice = scratch.readSlice(length: scratch.readableBytes) {
            parts.append(slice)
        }
        return parts
    }
}

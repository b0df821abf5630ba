package import CometCore
package import NIOCore

/// One stored record as a view of the mapped commit-log segment — no copy.
///
/// Lifetime: the slice holds a strong reference to its segment, so the mapping stays valid
/// while any slice exists, even if retention deletes the segment file meanwhile (the kernel
/// frees it at `munmap`). Records are immutable once written, so the bytes never change.
/// Copy out with ``write(into:)`` (what a pull response does) or ``byteBuffer``.
package struct StoredMessageSlice: Sendable {
    let segment: MappedFile
    let position: Int
    /// Commit-log offset of the record.
    package let physicalOffset: Int64
    /// Record size in bytes.
    package let size: Int
    /// Queue offset of the record in the queue it was read from.
    package let queueOffset: Int64
    /// Tags code from the consume queue.
    package let tagsCode: Int64

    /// Calls `body` with the record bytes (valid only during the call).
    package func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(segment.view(position..<position + size))
    }

    /// Appends the record bytes to `buffer` (one copy, straight from the mapping).
    package func write(into buffer: inout ByteBuffer) {
        _ = withUnsafeBytes { buffer.writeBytes($0) }
    }

    /// A heap copy of the record bytes.
    package var byteBuffer: ByteBuffer {
        var buffer = ByteBufferAllocator().buffer(capacity: size)
        write(into: &buffer)
        return buffer
    }

    /// Decodes the record.
    package func decode() throws(MessageFormatError) -> StoredMessage {
        let result = withUnsafeBytes { raw in
            Result { () throws(MessageFormatError) in try StoredMessage.decode(raw) }
        }
        return try result.get()
    }
}

package import NIOCore

/// One entry of a SEND_BATCH_MESSAGE body (message-format.md §4).
package struct BatchMessageEntry: Sendable, Hashable {
    /// FLAG of the inner message.
    package var flag: Int32
    /// BODY of the inner message.
    package var body: ByteBuffer
    /// Properties of the inner message (parsed with Java semantics).
    package var properties: [String: String]

    /// Creates an entry.
    package init(flag: Int32, body: ByteBuffer, properties: [String: String]) {
        self.flag = flag
        self.body = body
        self.properties = properties
    }
}

/// Decodes batch bodies: per entry TOTALSIZE, MAGICCODE(0), BODYCRC(0), FLAG, BODYLEN+BODY,
/// PROPSLEN(int16)+PROPERTIES.
package enum BatchMessageDecoder {
    /// Most entries a batch may hold by default: a 40 KB compressed body once inflated to
    /// 762,600 empty entries; every entry costs a stored record and its bookkeeping.
    package static let defaultMaxEntries = 10_000

    /// Decodes all entries; throws on any truncated or inconsistent entry, or when there are more
    /// than `maxEntries`.
    package static func decode(
        _ body: ByteBuffer, maxEntries: Int = defaultMaxEntries
    ) throws(MessageFormatError)
        -> [BatchMessageEntry]
    {
        var buffer = body
        var entries: [BatchMessageEntry] = []
        while buffer.readableBytes > 0 {
            guard entries.count < maxEntries else {
                throw MessageFormatError(.badLength, "the batch holds more than \(maxEntries) messages")
            }
            guard buffer.readableBytes >= 20,
                let totalSize = buffer.readInteger(as: Int32.self),
                let _ = buffer.readInteger(as: Int32.self),
                let _ = buffer.readInteger(as: Int32.self),
                let flag = buffer.readInteger(as: Int32.self),
                let bodyLength = buffer.readInteger(as: Int32.self)
            else { throw MessageFormatError(.truncated, "batch entry header truncated") }
            guard bodyLength >= 0, let entryBody = buffer.readSlice(length: Int(bodyLength)) else {
                throw MessageFormatError(.truncated, "batch entry body truncated")
            }
            guard let propertiesLength = buffer.readInteger(as: Int16.self), propertiesLength >= 0,
                let propertyBytes = buffer.readSlice(length: Int(propertiesLength))
            else { throw MessageFormatError(.truncated, "batch entry properties truncated") }
            guard Int(totalSize) == 20 + Int(bodyLength) + 2 + Int(propertiesLength) else {
                throw MessageFormatError(.badLength, "batch entry total size \(totalSize) disagrees with fields")
            }
            let properties = MessageProperties.parse(String(buffer: propertyBytes))
            entries.append(BatchMessageEntry(flag: flag, body: entryBody, properties: properties))
        }
        return entries
    }

    /// Encodes entries in the batch layout (used by tests and clients).
    package static func encode(_ entries: [BatchMessageEntry]) -> ByteBuffer {
        var buffer = ByteBufferAllocator().buffer(capacity: 256)
        for entry in entries {
            let props = MessageProperties.encode(entry.properties)
            let length = 20 + entry.body.readableBytes + 2 + props.utf8.count
            buffer.writeInteger(Int32(length))
            buffer.writeInteger(Int32(0))
            buffer.writeInteger(Int32(0))
            buffer.writeInteger(entry.flag)
            buffer.writeInteger(Int32(entry.body.readableBytes))
            buffer.writeImmutableBuffer(entry.body)
            buffer.writeInteger(Int16(props.utf8.count))
            buffer.writeString(props)
        }
        return buffer
    }
}

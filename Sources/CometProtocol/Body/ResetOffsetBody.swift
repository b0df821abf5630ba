package import CometCore
package import NIOCore

/// The offsets of a reset (RocketMQ `ResetOffsetBody` / `ResetOffsetBodyForC`): the body of
/// RESET_CONSUMER_CLIENT_OFFSET (220) and of the answer to INVOKE_BROKER_TO_RESET_OFFSET (222).
///
/// Java peers get a map keyed by message-queue objects, `{"offsetTable":{{"brokerName":…,
/// "queueId":0,"topic":…}:12}}` (fastjson's non-standard form); the C++ client reads a list,
/// `{"offsetTable":[{"brokerName":…,"queueId":0,"topic":…,"offset":12}]}`.
package struct ResetOffsetBody: Sendable, Equatable {
    package var offsetTable: [MessageQueue: Int64]

    package init(offsetTable: [MessageQueue: Int64]) { self.offsetTable = offsetTable }

    /// Decodes the list ("ForC") form.
    package init(listBody body: ByteBuffer?) throws(CometError) {
        guard let body, body.readableBytes > 0 else { throw CometError(.malformedBody, "missing ResetOffsetBody body") }
        let json = try body.withUnsafeReadableBytes { raw throws(CometError) in try JSONParser.parse(raw) }
        let reader = try JSONObjectReader(json, "resetOffsetBody")
        var table: [MessageQueue: Int64] = [:]
        for entry in reader.array("offsetTable") {
            let queue = try MessageQueue(json: entry)
            table[queue] = try JSONObjectReader(entry, "offsetTable[]").int64("offset")
        }
        offsetTable = table
    }

    /// The list ("ForC") form, for CPP clients.
    package func encodedList(allocator: ByteBufferAllocator = ByteBufferAllocator()) -> ByteBuffer {
        let entries: [JSONValue] = offsetTable.keys.sorted().map { queue in
            .object([
                "brokerName": .string(queue.brokerName), "queueId": .int(queue.queueId), "topic": .string(queue.topic),
                "offset": .int(offsetTable[queue]!),
            ])
        }
        return JSONWriter.encode(.object(["offsetTable": .array(entries)]), allocator: allocator)
    }

    /// The Java map form with object keys, as fastjson writes `Map<MessageQueue, Long>`.
    package func encodedMap(allocator: ByteBufferAllocator = ByteBufferAllocator()) -> ByteBuffer {
        var buffer = allocator.buffer(capacity: 64 + offsetTable.count * 80)
        buffer.writeString("{\"offsetTable\":{")
        for (i, queue) in offsetTable.keys.sorted().enumerated() {
            if i > 0 { buffer.writeString(",") }
            JSONWriter.write(queue.json, into: &buffer)
            buffer.writeString(":\(offsetTable[queue]!)")
        }
        buffer.writeString("}}")
        return buffer
    }
}

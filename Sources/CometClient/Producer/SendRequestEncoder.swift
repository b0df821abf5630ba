import CometCore
import CometProtocol
import CompressNIO
import NIOCore

/// A send prepared once for all its attempts: unique ids (kept across retries, as Java does),
/// compressed body, born timestamp.
struct PreparedSend {
    var messages: [Message]
    /// `UNIQ_KEY` of each message.
    var uniqueIds: [String]
    /// The zlib body of a single large message, sent instead of `messages[0].body`.
    var compressedBody: ByteBuffer?
    var bornTimestamp: Int64

    var isBatch: Bool { messages.count > 1 }

    /// SEND_BATCH_MESSAGE for several messages, SEND_REPLY_MESSAGE_V2 for a reply (`MSG_TYPE=reply`,
    /// which the broker pushes to its requester), else SEND_MESSAGE_V2.
    var code: RequestCode {
        if isBatch { return .sendBatchMessage }
        return messages[0].properties[MessagePropertyKey.messageType] == "reply" ? .sendReplyMessageV2 : .sendMessageV2
    }

    /// The message id a ``SendResult`` reports: the unique id, comma-separated for batches.
    var messageId: String { uniqueIds.count == 1 ? uniqueIds[0] : uniqueIds.joined(separator: ",") }
}

/// Writes SEND_MESSAGE_V2 (one message) and SEND_BATCH_MESSAGE (several) frames with the binary
/// ("ROCKETMQ") header straight into the outbound buffer: no header dictionary, no property
/// string, no intermediate body buffer. Java clients may use the same serialization; brokers
/// answer in the request's.
enum SendRequestEncoder {
    /// Appends the whole frame to `buffer`.
    static func encode(
        _ send: PreparedSend, group: String, queue: MessageQueue, opaque: Int32, oneway: Bool,
        into buffer: inout ByteBuffer
    ) {
        let code = send.code
        let frameStart = buffer.writerIndex
        buffer.writeInteger(UInt32(0))  // total length, set below
        buffer.writeInteger(UInt32(0))  // serialize type and header length, set below
        let headerStart = buffer.writerIndex
        buffer.writeInteger(Int16(truncatingIfNeeded: code.rawValue))
        buffer.writeInteger(LanguageCode.java.rawValue)
        buffer.writeInteger(Int16(truncatingIfNeeded: CometVersion.remotingVersion))
        buffer.writeInteger(opaque)
        buffer.writeInteger(oneway ? RemotingCommand.onewayFlag : 0)
        buffer.writeInteger(Int32(0))  // no remark
        let fieldsStart = buffer.writerIndex
        buffer.writeInteger(Int32(0))  // extFields length, set below

        let first = send.messages[0]
        // SEND_MESSAGE_V2's one-letter keys (SendMessageRequestHeaderV2).
        buffer.writeHeaderField("a", group)
        buffer.writeHeaderField("b", queue.topic)
        buffer.writeHeaderField("c", "TBW102")
        buffer.writeHeaderField("d", 4)
        buffer.writeHeaderField("e", Int64(queue.queueId))
        buffer.writeHeaderField(
            "f", Int64(send.isBatch || send.compressedBody == nil ? 0 : MessageSysFlag.compressed.rawValue))
        buffer.writeHeaderField("g", send.bornTimestamp)
        buffer.writeHeaderField("h", Int64(send.isBatch ? 0 : first.flag))
        if !send.isBatch {
            buffer.writeHeaderFieldValue("i") { buffer in buffer.writeProperties(of: first, uniqueId: send.uniqueIds[0])
            }
        }
        buffer.writeHeaderField("j", 0)
        buffer.writeHeaderField("k", "false")
        buffer.writeHeaderField("m", send.isBatch ? "true" : "false")
        buffer.setInteger(Int32(buffer.writerIndex - fieldsStart - 4), at: fieldsStart)
        let headerLength = buffer.writerIndex - headerStart

        if send.isBatch {
            for (message, uniqueId) in zip(send.messages, send.uniqueIds) {
                writeBatchEntry(message, uniqueId: uniqueId, into: &buffer)
            }
        } else if let compressed = send.compressedBody {
            buffer.writeImmutableBuffer(compressed)
        } else {
            buffer.writeBytes(first.body)
        }
        buffer.setInteger(UInt32(buffer.writerIndex - frameStart - 4), at: frameStart)
        let serializeType = UInt32(SerializeType.rocketmq.rawValue) << 24
        buffer.setInteger(serializeType | UInt32(headerLength & 0xFF_FFFF), at: frameStart + 4)
    }

    /// The bytes a frame of `send` needs, roughly, so the buffer is allocated once.
    static func estimatedSize(_ send: PreparedSend) -> Int {
        var size = 320
        for message in send.messages {
            size += (send.compressedBody?.readableBytes ?? message.body.count) + 96 + message.topic.utf8.count
            for (key, value) in message.properties { size += key.utf8.count + value.utf8.count + 2 }
        }
        return size
    }

    /// One entry of a batch body: TOTALSIZE, MAGICCODE 0, BODYCRC 0, FLAG, BODYLEN, BODY,
    /// PROPSLEN (int16), PROPERTIES.
    private static func writeBatchEntry(_ message: Message, uniqueId: String, into buffer: inout ByteBuffer) {
        let start = buffer.writerIndex
        buffer.writeInteger(Int32(0))
        buffer.writeInteger(Int32(0))
        buffer.writeInteger(Int32(0))
        buffer.writeInteger(message.flag)
        buffer.writeInteger(Int32(message.body.count))
        buffer.writeBytes(message.body)
        let propertiesStart = buffer.writerIndex
        buffer.writeInteger(Int16(0))
        buffer.writeProperties(of: message, uniqueId: uniqueId)
        let propertiesLength = buffer.writerIndex - propertiesStart - 2
        buffer.setInteger(Int16(truncatingIfNeeded: propertiesLength), at: propertiesStart)
        buffer.setInteger(Int32(buffer.writerIndex - start), at: start)
    }

    /// The encoded length of the properties `message` is sent with, or an upper bound of it when
    /// that is within the int16 limit of batch entries.
    static func propertiesLength(of message: Message, uniqueId: String) -> Int {
        // An upper bound first, so the usual small message costs no buffer.
        var bound = 64 + uniqueId.utf8.count + (message.tags?.utf8.count ?? 0)
        for key in message.keys { bound += key.utf8.count + 1 }
        for (key, value) in message.properties { bound += key.utf8.count + value.utf8.count + 2 }
        if bound <= MessageProperties.maxEncodedLength { return bound }
        var buffer = ByteBuffer()
        buffer.writeProperties(of: message, uniqueId: uniqueId)
        return buffer.readableBytes
    }
}

extension ByteBuffer {
    /// One binary-header extFields entry: int16 key length, key, int32 value length, value.
    mutating func writeHeaderField(_ key: StaticString, _ value: String) {
        writeInteger(Int16(key.utf8CodeUnitCount))
        writeStaticString(key)
        writeInteger(Int32(value.utf8.count))
        writeString(value)
    }

    /// An entry whose value is the decimal text of `value`, written without a `String`.
    mutating func writeHeaderField(_ key: StaticString, _ value: Int64) {
        writeHeaderFieldValue(key) { $0.writeDecimal(value) }
    }

    /// An entry whose value `write` appends; the length is filled in afterwards.
    mutating func writeHeaderFieldValue(_ key: StaticString, _ write: (inout ByteBuffer) -> Void) {
        writeInteger(Int16(key.utf8CodeUnitCount))
        writeStaticString(key)
        let lengthIndex = writerIndex
        writeInteger(Int32(0))
        write(&self)
        setInteger(Int32(writerIndex - lengthIndex - 4), at: lengthIndex)
    }

    /// The decimal text of `value`.
    mutating func writeDecimal(_ value: Int64) {
        var magnitude = value.magnitude
        var digits = 1
        var probe = magnitude
        while probe >= 10 {
            probe /= 10
            digits += 1
        }
        let length = digits + (value < 0 ? 1 : 0)
        writeWithUnsafeMutableBytes(minimumWritableBytes: length) { out in
            var index = length - 1
            repeat {
                out[index] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                index -= 1
            } while magnitude > 0
            if value < 0 { out[0] = UInt8(ascii: "-") }
            return length
        }
    }

    /// The property string `message` is sent with: its user properties, then the system ones
    /// (`TAGS`, `KEYS`, `DELAY`, `TIMER_DELIVER_MS`, `UNIQ_KEY`, `WAIT`), which win over user
    /// properties of the same name. Pairs with an empty key or value are left out, as parsers drop them.
    mutating func writeProperties(of message: Message, uniqueId: String) {
        let hasTags = message.tags.map { !$0.isEmpty } ?? false
        let hasKeys = message.keys.count > 1 || message.keys.first.map { !$0.isEmpty } ?? false
        for (key, value) in message.properties where !key.isEmpty && !value.isEmpty {
            switch key {
            case MessagePropertyKey.uniqueKey, MessagePropertyKey.wait: continue
            case MessagePropertyKey.tags where hasTags: continue
            case MessagePropertyKey.keys where hasKeys: continue
            case MessagePropertyKey.delayLevel where message.delayLevel > 0: continue
            case "TIMER_DELIVER_MS" where message.deliverAt != nil: continue
            default: writeProperty(key, value)
            }
        }
        if hasTags, let tags = message.tags { writeProperty(MessagePropertyKey.tags, tags) }
        if hasKeys {
            writeString(MessagePropertyKey.keys)
            writeInteger(UInt8(1))
            for (index, key) in message.keys.enumerated() {
                if index > 0 { writeInteger(UInt8(ascii: " ")) }
                writeString(key)
            }
            writeInteger(UInt8(2))
        }
        if message.delayLevel > 0 {
            writeString(MessagePropertyKey.delayLevel)
            writeInteger(UInt8(1))
            writeDecimal(Int64(message.delayLevel))
            writeInteger(UInt8(2))
        }
        if let deliverAt = message.deliverAt {
            writeStaticString("TIMER_DELIVER_MS\u{01}")
            writeDecimal(deliverAt)
            writeInteger(UInt8(2))
        }
        if !uniqueId.isEmpty { writeProperty(MessagePropertyKey.uniqueKey, uniqueId) }
        writeStaticString("WAIT\u{01}true\u{02}")
    }

    private mutating func writeProperty(_ key: String, _ value: String) {
        writeString(key)
        writeInteger(UInt8(1))
        writeString(value)
        writeInteger(UInt8(2))
    }
}
